terraform {
  required_version = "~> 1.11.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "6.25.0"
    }
  }

  # This stack creates the state bucket, so its own state stays local
  # (terraform/bootstrap/terraform.tfstate, kept safe by whoever runs it once;
  # it holds no secrets). See terraform/README.md.
}

provider "aws" {
  region = var.region

  default_tags {
    tags = { project = "msg", stack = "bootstrap" }
  }
}
