# prod: the same modules as dev, sized for availability: a NAT gateway per
# zone, a Multi-AZ database with deletion protection and longer backups,
# three nodes across the zones. Jenkins does not run here: it deploys from
# dev, with the CI role made there.

locals {
  tags = {
    project     = "msg"
    environment = "prod"
  }
}

module "environment" {
  source = "../../modules/environment"

  name                 = "msg-prod"
  hostname             = var.hostname
  route53_zone_id      = var.route53_zone_id
  vpc_cidr             = "10.30.0.0/16"
  availability_zones   = var.availability_zones
  nat_gateway_per_zone = true

  kubernetes_version           = "1.34"
  cluster_public_access_cidrs  = var.cluster_public_access_cidrs
  cluster_admin_principal_arns = var.cluster_admin_principal_arns
  node_instance_types          = ["m6i.large"]
  node_min_size                = 3
  node_max_size                = 9
  node_desired_size            = 3

  database_instance_class            = "db.m6g.large"
  database_engine_version            = "15"
  database_allocated_storage_gib     = 100
  database_max_allocated_storage_gib = 1000
  database_multi_az                  = true
  database_backup_retention_days     = 30
  deletion_protection                = true

  log_retention_days = 365

  # The pipeline's home is dev: prod uses its registry and grants its CI
  # role an access entry here.
  pipeline_home       = false
  jenkins_values_file = "${path.root}/../../../ci/jenkins/values.yaml"
  ci_role_arn         = var.ci_role_arn

  chart_versions = local.chart_versions
  tags           = local.tags
}
