# Builds the CloudWatch Logs JSON filter pattern from var.watch. The pattern is only a coarse,
# free pre-filter: the function classifies every event again and never trusts it.
#
# CloudWatch JSON patterns know `=` / `!=` (whole value, `*` only as first or last character),
# `&&`, `||` and parentheses, but no "in list" operator, so every value costs a whole
# comparison; at most 1024 characters fit. Every `||` group is parenthesised because mixing
# `&&` and `||` without them is easy to misread. `!=` on a key an event lacks does not match,
# so `!=` is used only on keys every audit event has (stage, verb, user.username).
locals {
  watch = var.watch

  stage_terms   = [for stage in local.watch.excluded_stages : "$.stage != \"${stage}\""]
  user_terms    = [for name in local.watch.user_names : "$.user.username = \"${name}\""]
  ignored_terms = [for name in local.watch.ignored_user_names : "$.user.username != \"${name}\""]
  except_terms  = [for name in local.watch.ignored_user_names_except : "$.user.username = \"${name}\""]
  verb_terms    = [for verb in local.watch.ignored_verbs : "$.verb != \"${verb}\""]

  # Any verb: streaming subresources (exec/attach/port-forward open with `get` or `create`)
  # and resources whose reads matter (secrets).
  any_verb_terms = concat(
    [for name in local.watch.subresources : "$.objectRef.subresource = \"${name}\""],
    [for name in local.watch.ignored_verbs_except_resources : "$.objectRef.resource = \"${name}\""],
  )

  # Writes only. A resource already watched for every verb needs no second comparison.
  write_resources = [
    for name in distinct(concat(local.watch.namespaced_resources, local.watch.cluster_resources)) : name
    if !contains(local.watch.ignored_verbs_except_resources, name)
  ]
  write_terms = concat(
    [for name in local.watch.namespaces : "$.objectRef.namespace = \"${name}\""],
    [for name in local.write_resources : "$.objectRef.resource = \"${name}\""],
    [for name in local.watch.api_groups : "$.objectRef.apiGroup = \"${name}\""],
  )

  # (a || b) for lists of two or more, a for one, "" for none (dropped by compact()).
  user_clause  = length(local.user_terms) > 1 ? "(${join(" || ", local.user_terms)})" : join("", local.user_terms)
  write_any    = length(local.write_terms) > 1 ? "(${join(" || ", local.write_terms)})" : join("", local.write_terms)
  write_clause = length(local.write_terms) == 0 ? "" : join(" && ", compact(concat(local.verb_terms, [local.write_any])))
  what_terms = compact(concat(
    local.any_verb_terms,
    [local.write_clause != "" && length(local.verb_terms) > 0 && length(local.any_verb_terms) > 0 ? "(${local.write_clause})" : local.write_clause],
  ))
  what_clause = length(local.what_terms) > 1 ? "(${join(" || ", local.what_terms)})" : join("", local.what_terms)

  # People (not ignored) doing something watched; the exceptions (system:anonymous) pass
  # whatever they request, since an allowed anonymous request is an alert of its own and the
  # function tells public health/version probes apart.
  person_terms  = compact(concat(local.ignored_terms, [local.what_clause]))
  person_clause = length(local.person_terms) > 1 ? "(${join(" && ", local.person_terms)})" : join("", local.person_terms)
  subject_clause = (
    length(local.ignored_terms) == 0 || length(local.except_terms) == 0 ? join(" && ", local.person_terms) :
    "(${join(" || ", concat([local.person_clause], local.except_terms))})"
  )

  generated_filter_pattern = "{ ${join(" && ", compact(concat(
    local.stage_terms, [local.user_clause, local.subject_clause],
  )))} }"

  filter_pattern = var.filter_pattern != null ? var.filter_pattern : local.generated_filter_pattern
}
