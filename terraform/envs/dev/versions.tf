terraform {
  required_version = "~> 1.11.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "6.25.0"
    }
    helm = {
      source  = "hashicorp/helm"
      version = "3.0.2"
    }
  }

  # bucket, region and kms_key_id come from terraform/bootstrap's outputs at
  # init time (-backend-config, see terraform/README.md); use_lockfile locks
  # with an object in the same bucket.
  backend "s3" {
    key          = "msg/dev/terraform.tfstate"
    encrypt      = true
    use_lockfile = true
  }
}
