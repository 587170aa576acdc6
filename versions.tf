terraform {
  # 1.9: input validation may refer to other variables and locals (duplicate clusters,
  # create-or-pass topic and on-failure destination, the generated pattern's length).
  required_version = ">= 1.9"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # python3.13 reached the provider's Lambda runtime list in the 5.7x releases (late 2024).
      # Provider 6 works too: the module reads no attribute 6 deprecates (the region comes from
      # `data.aws_region.id`, which both majors set). `make test` validates and tests with the
      # provider the local mirror holds (5.100.0).
      version = ">= 5.80"
    }
  }
}
