output "subscription_filters" {
  description = "The subscription filters by cluster name: filter name and log group."
  value = {
    for cluster, filter in aws_cloudwatch_log_subscription_filter.this : cluster => {
      name           = filter.name
      log_group_name = filter.log_group_name
    }
  }
}

output "account_policy_name" {
  description = "Name of the account-level subscription filter policy, or null."
  value       = one(aws_cloudwatch_log_account_policy.this[*].policy_name)
}

output "event_rules" {
  description = "The EventBridge rules forwarding CloudTrail events to the central bus, by purpose (`forward`, `forward_watch`): name, ARN and event pattern (JSON); empty without `create_event_forwarding`."
  value = {
    for key, rule in { forward = one(aws_cloudwatch_event_rule.forward), forward_watch = one(aws_cloudwatch_event_rule.forward_watch) } : key => {
      name                     = rule.name
      arn                      = rule.arn
      event_pattern            = rule.event_pattern
    } if rule != null
  }
}

output "filter_pattern" {
  description = "The filter pattern the subscriptions use."
  value       = local.filter_pattern
}
