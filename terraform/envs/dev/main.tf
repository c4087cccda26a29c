# dev (also "staging" in the pipeline): the same modules as prod, smaller and
# cheaper: one NAT gateway, a single-zone burstable database without
# deletion protection, two small nodes. Jenkins runs here and deploys to
# both environments, with the CI role and the registry made here.

locals {
  tags = {
    project     = "msg"
    environment = "dev"
  }
}

module "environment" {
  source = "../../modules/environment"

  name                 = "msg-dev"
  hostname             = var.hostname
  route53_zone_id      = var.route53_zone_id
  vpc_cidr             = "10.20.0.0/16"
  availability_zones   = var.availability_zones
  nat_gateway_per_zone = false

  kubernetes_version           = "1.34"
  cluster_public_access_cidrs  = var.cluster_public_access_cidrs
  cluster_admin_principal_arns = var.cluster_admin_principal_arns
  node_instance_types          = ["t3.large"]
  node_min_size                = 2
  node_max_size                = 4
  node_desired_size            = 2

  database_instance_class            = "db.t4g.small"
  database_engine_version            = "15"
  database_allocated_storage_gib     = 20
  database_max_allocated_storage_gib = 100
  database_multi_az                  = false
  database_backup_retention_days     = 7
  deletion_protection                = false

  log_retention_days = 30

  # dev hosts Jenkins, the CI role and the one image registry; the CI role
  # deploys to staging (this cluster) and production.
  pipeline_home           = true
  jenkins_values_file     = "${path.root}/../../../ci/jenkins/values.yaml"
  ci_deploy_cluster_names = ["msg-dev", "msg-prod"]

  chart_versions = local.chart_versions
  tags           = local.tags
}
