terraform {
  required_version = "~> 1.11.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "6.25.0"
    }
    # The Helm provider's schema is not available offline: the schema check in
    # tests/terraform skips helm_release (see terraform/README.md).
    helm = {
      source  = "hashicorp/helm"
      version = "3.0.2"
    }
  }
}
