# One environment of msg-server on AWS, wired from the small modules: the
# network, the cluster, the database, the certificate and the cluster
# add-ons, and, in the pipeline's home environment, the registry and the CI
# role shared by all. envs/dev and envs/prod call this with their
# sizes, so both environments are built the same way and differ only in
# values.

module "network" {
  source = "../network"

  name                    = var.name
  cidr_block              = var.vpc_cidr
  availability_zones      = var.availability_zones
  nat_gateway_per_zone    = var.nat_gateway_per_zone
  cluster_name            = var.name
  flow_log_retention_days = var.log_retention_days
  tags                    = var.tags
}

module "cluster" {
  source = "../eks_cluster"

  name                      = var.name
  kubernetes_version        = var.kubernetes_version
  vpc_id                    = module.network.vpc_id
  private_subnet_ids        = module.network.private_subnet_ids
  public_access_cidrs       = var.cluster_public_access_cidrs
  load_balancer_source_cidr = module.network.public_subnets_aggregate_cidr
  database_cidr             = module.network.database_subnets_aggregate_cidr
  node_instance_types       = var.node_instance_types
  node_min_size             = var.node_min_size
  node_max_size             = var.node_max_size
  node_desired_size         = var.node_desired_size
  admin_principal_arns      = var.cluster_admin_principal_arns
  deletion_protection       = var.deletion_protection
  log_retention_days        = var.log_retention_days
  tags                      = var.tags
}

module "database" {
  source = "../database"

  name                      = var.name
  vpc_id                    = module.network.vpc_id
  subnet_ids                = module.network.database_subnet_ids
  client_security_group_id  = module.cluster.node_security_group_id
  engine_version            = var.database_engine_version
  instance_class            = var.database_instance_class
  allocated_storage_gib     = var.database_allocated_storage_gib
  max_allocated_storage_gib = var.database_max_allocated_storage_gib
  multi_az                  = var.database_multi_az
  deletion_protection       = var.deletion_protection
  backup_retention_days     = var.database_backup_retention_days
  log_retention_days        = var.log_retention_days
  tags                      = var.tags
}

# One registry for every environment, so that production runs exactly the
# image (same repository, same digest) that staging tested. It lives with
# the pipeline's home; the others look it up by name.
module "registry" {
  source = "../registry"
  count  = var.pipeline_home ? 1 : 0

  name = var.registry_name
  tags = var.tags
}

data "aws_ecr_repository" "shared" {
  count = var.pipeline_home ? 0 : 1

  name = var.registry_name
}

module "certificate" {
  source = "../certificate"

  hostname        = var.hostname
  route53_zone_id = var.route53_zone_id
  tags            = var.tags
}

data "aws_partition" "current" {}

data "aws_region" "current" {}

data "aws_caller_identity" "current" {}

locals {
  repository_url = var.pipeline_home ? module.registry[0].repository_url : data.aws_ecr_repository.shared[0].repository_url
  repository_arn = var.pipeline_home ? module.registry[0].repository_arn : data.aws_ecr_repository.shared[0].arn
  ci_role_arn    = var.pipeline_home ? module.ci_role[0].arn : var.ci_role_arn

  # From names, so the role can name production's cluster before it exists.
  ci_cluster_arns = [
    for n in var.ci_deploy_cluster_names :
    "arn:${data.aws_partition.current.partition}:eks:${data.aws_region.current.region}:${data.aws_caller_identity.current.account_id}:cluster/${n}"
  ]
}

module "ci_role" {
  source = "../ci_role"
  count  = var.pipeline_home ? 1 : 0

  name              = "msg-ci"
  oidc_provider_arn = module.cluster.oidc_provider_arn
  oidc_issuer       = module.cluster.oidc_issuer
  repository_arn    = local.repository_arn
  cluster_arns      = local.ci_cluster_arns
  tags              = var.tags
}

# The CI role deploys here too (in every environment, the home included).
module "ci_access" {
  source = "../cluster_access"

  cluster_name  = module.cluster.cluster_name
  principal_arn = local.ci_role_arn
  tags          = var.tags
}

module "addons" {
  source = "../cluster_addons"

  name                 = var.name
  cluster_name         = module.cluster.cluster_name
  oidc_provider_arn    = module.cluster.oidc_provider_arn
  oidc_issuer          = module.cluster.oidc_issuer
  vpc_id               = module.network.vpc_id
  database_secret_arn  = module.database.master_secret_arn
  database_kms_key_arn = module.database.kms_key_arn
  log_retention_days   = var.log_retention_days
  enable_jenkins       = var.pipeline_home
  jenkins_values_file  = var.jenkins_values_file
  ci_role_arn          = local.ci_role_arn
  chart_versions       = var.chart_versions
  tags                 = var.tags

  # The charts run pods: they need nodes, DNS and the CNI first.
  depends_on = [module.cluster]
}
