terraform {
  # 1.9: input validation may refer to other variables and locals (duplicate clusters,
  # create-or-pass on-failure destination, the generated pattern's length).
  required_version = ">= 1.9"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # python3.13 reached the provider's Lambda runtime list in the 5.7x releases (late 2024).
      version = ">= 5.80"
    }
  }
}
