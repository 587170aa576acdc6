terraform {
  required_version = ">= 1.9"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # 5.x and 6.x, as the module (../../versions.tf).
      version = ">= 5.80"
    }
  }
}
