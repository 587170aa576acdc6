# The original module's Terragrunt inputs, unchanged, against the released module. Terragrunt
# downloads the tagged release into its cache and passes `inputs` as TF_VAR_* variables to it.
# main.tf in this folder declares the same variables for plain Terraform (and the tests).
terraform {
  source = "git::https://github.com/eks-audit-bot/eks-audit-bot.git?ref=v0.2.2"
}

inputs = {
  eks_bot_name             = "eks-audit-bot-prod"
  timeout                  = 60
  memory_limit             = 256
  aws_cloudwatch_log_group = "/aws/eks/prod/cluster"
  account_id               = "123456789012"
  account_name             = "prod"
  sns_topic_arn            = "arn:aws:sns:us-east-1:123456789012:eks-audit-alerts"
  filter_pattern           = "{ ($.stage = \"ResponseComplete\") && ($.user.username != \"system:*\") && ($.user.username != \"eks:*\") && ($.verb != \"get\") && ($.verb != \"list\") && ($.verb != \"watch\") && (($.objectRef.resource = \"secrets\") || ($.objectRef.resource = \"configmaps\") || ($.objectRef.resource = \"*roles\") || ($.objectRef.resource = \"*rolebindings\") || ($.objectRef.namespace = \"kube-system\")) }"
}
