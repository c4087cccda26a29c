# Placeholders: replace every value before the first plan (documentation
# ranges and example names, so nothing here points at a real account).
region                       = "eu-central-1"
availability_zones           = ["eu-central-1a", "eu-central-1b", "eu-central-1c"]
hostname                     = "msg.dev.example.com"
route53_zone_id              = null
cluster_public_access_cidrs  = ["203.0.113.0/24"]
cluster_admin_principal_arns = ["arn:aws:iam::111111111111:role/REPLACE-ME-terraform"]
