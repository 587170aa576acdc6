# Builds the CloudWatch Logs JSON filter pattern from var.watch and var.trusted_source_cidrs.
# The pattern is only a coarse, free pre-filter: the function classifies every event again and
# never trusts it. By default it passes every request that is not a plain read by automation.
#
# CloudWatch JSON patterns know `=` / `!=` (whole value, `*` only as first or last character),
# `&&`, `||` and parentheses, but no "in list" operator, so every value costs a whole
# comparison; at most 1024 characters fit. Every `||` group is parenthesised because mixing
# `&&` and `||` without them is easy to misread. `!=` on a key an event lacks does not match,
# so `!=` is used only on keys every audit event has (stage, verb, user.username, sourceIPs).
locals {
  watch = var.watch

  stage_terms   = [for stage in local.watch.excluded_stages : "$.stage != \"${stage}\""]
  user_terms    = [for name in local.watch.user_names : "$.user.username = \"${name}\""]
  ignored_terms = [for name in local.watch.ignored_user_names : "$.user.username != \"${name}\""]
  except_terms  = [for name in local.watch.ignored_user_names_except : "$.user.username = \"${name}\""]
  verb_terms    = [for verb in local.watch.ignored_verbs : "$.verb != \"${verb}\""]

  # Whoever asks, automation included: streaming and token subresources, certificate requests
  # and refusals. The function's out-of-character rules decide (a service account exec'ing,
  # minting tokens, requesting certificates, or being refused again and again).
  any_user_terms = concat(
    [for name in local.watch.any_user_subresources : "$.objectRef.subresource = \"${name}\""],
    [for name in local.watch.any_user_resources : "$.objectRef.resource = \"${name}\""],
    [for code in local.watch.any_user_response_codes : "$.responseStatus.code = ${code}"],
  )

  # Resources whose reads matter (secrets), any verb, by anyone but a node: people's reads,
  # service accounts' beyond their namespace and cluster-wide lists alert; kubelets read their
  # own pods' secrets all day (the node authorizer keeps them to those).
  non_node_terms = [for name in local.watch.ignored_verbs_except_resources : "($.objectRef.resource = \"${name}\" && $.user.username != \"system:node:*\")" if !contains(local.watch.any_user_resources, name)]

  # Anyone, automation included, writing the object itself (not a status or other subresource)
  # where the rules about dangerous actions by whoever look: RBAC, admission webhooks,
  # workloads and their templates, permission enumeration, aws-auth. The function spares
  # those whose job it is (controllers, EKS, GitOps tools and operators by their names).
  automation_write_what = concat(
    [for group in local.watch.automation_write_api_groups : "$.objectRef.apiGroup = \"${group}\""],
    [for name in local.watch.automation_write_resources : "$.objectRef.resource = \"${name}\""],
    [for name in local.watch.automation_write_names : "$.objectRef.name = \"${name}\""],
  )
  automation_write_any         = length(local.automation_write_what) > 1 ? "(${join(" || ", local.automation_write_what)})" : join("", local.automation_write_what)
  automation_write_what_clause = length(local.automation_write_what) == 0 ? "" : "($.objectRef.subresource NOT EXISTS && ${local.automation_write_any})"
  automation_write_clause = length(local.automation_write_what) == 0 ? "" : format(
    "(%s)", join(" && ", concat(["$.objectRef.subresource NOT EXISTS"], local.verb_terms, [local.automation_write_any]))
  )

  # People, any verb: streaming subresources (exec/attach/port-forward open with `get` or
  # `create`); what any_user_* covers is not repeated.
  any_verb_terms = [for name in local.watch.subresources : "$.objectRef.subresource = \"${name}\"" if !contains(local.watch.any_user_subresources, name)]

  # People's writes: all of them, or (all_writes = false) only those in the listed namespaces,
  # resources and API groups. A resource already watched for every verb needs no second term.
  write_resources = [
    for name in distinct(concat(local.watch.namespaced_resources, local.watch.cluster_resources)) : name
    if !contains(local.watch.ignored_verbs_except_resources, name)
  ]
  write_terms = local.watch.all_writes ? [] : concat(
    [for name in local.watch.namespaces : "$.objectRef.namespace = \"${name}\""],
    [for name in local.write_resources : "$.objectRef.resource = \"${name}\""],
    [for name in local.watch.api_groups : "$.objectRef.apiGroup = \"${name}\""],
  )
  writes_on = local.watch.all_writes || length(local.write_terms) > 0

  # (a || b) for lists of two or more, a for one, "" for none (dropped by compact()).
  user_clause  = length(local.user_terms) > 1 ? "(${join(" || ", local.user_terms)})" : join("", local.user_terms)
  write_any    = length(local.write_terms) > 1 ? "(${join(" || ", local.write_terms)})" : join("", local.write_terms)
  write_clause = local.writes_on ? join(" && ", compact(concat(local.verb_terms, [local.write_any]))) : ""
  what_terms = compact(concat(
    local.any_verb_terms,
    [local.write_clause != "" && length(local.verb_terms) + length(local.write_terms) > 1 && length(local.any_verb_terms) > 0 ? "(${local.write_clause})" : local.write_clause],
  ))
  what_clause = length(local.what_terms) > 1 ? "(${join(" || ", local.what_terms)})" : join("", local.what_terms)

  # People (not ignored) doing something watched. The exceptions (system:anonymous) pass
  # whatever they request: an allowed anonymous request is an alert of its own, and the
  # function tells public health/version probes apart.
  person_terms  = compact(concat(local.ignored_terms, [local.what_clause]))
  person_clause = length(local.person_terms) > 1 ? "(${join(" && ", local.person_terms)})" : join("", local.person_terms)

  # When people's watched requests are every write and nothing else (the default), people and
  # the automation writes share one verb check: (writes && (people || automation's writes)),
  # which keeps the pattern far enough under 1024 characters for trusted_source_cidrs.
  share_verbs = (local.watch.all_writes && length(local.any_verb_terms) == 0 && length(local.verb_terms) > 0
  && length(local.ignored_terms) > 0 && local.automation_write_what_clause != "")
  shared_clause = local.share_verbs ? format("(%s && ((%s) || %s))",
    join(" && ", local.verb_terms), join(" && ", local.ignored_terms), local.automation_write_what_clause,
  ) : ""

  # Service accounts and nodes calling from outside the trusted networks (the function checks
  # every address exactly). With trusted_source_cidrs: every request whose first source IP lies
  # outside them, or that carries more than one (client-chosen X-Forwarded-For entries come
  # first). CloudWatch compares text, so only CIDRs of /8, /16, /24 or /32 become a prefix to
  # leave out; requests from other trusted ranges reach the function. Loopback is always
  # trusted, as in the function. Without trusted_source_cidrs: every request whose first source
  # IP is not in RFC 1918, loopback or IPv6 unique local space (one regular expression; kept
  # short for the 1024-character limit, so 100.64.0.0/10 and link-local sources pass too and
  # the function, which trusts them, stays quiet). AWS's own ranges (NAT gateways) are too many
  # for a pattern: those requests reach the function, which knows the region's ranges. Every
  # system: user is matched (the function judges only service accounts and nodes by address).
  trusted_prefixes = distinct(concat(["127.*"], [
    for cidr in var.trusted_source_cidrs : format("%s%s",
      join(".", slice(split(".", cidrhost(cidr, 0)), 0, tonumber(split("/", cidr)[1]) / 8)),
      tonumber(split("/", cidr)[1]) == 32 ? "" : ".*",
    ) if tonumber(split("/", cidr)[1]) % 8 == 0
  ]))
  private_address = "%^10\\.|^192\\.168\\.|^172\\.1[6-9]\\.|^172\\.2\\d\\.|^172\\.3[01]\\.|^127\\.|^f[cd]%"
  first_address_outside = length(var.trusted_source_cidrs) == 0 ? "$.sourceIPs[0] != ${local.private_address}" : format(
    "(%s)", join(" && ", [for prefix in local.trusted_prefixes : "$.sourceIPs[0] != \"${prefix}\""]),
  )
  # Only where the pattern may pass automation at all (no user_names, or some of them system:).
  automation_watched = length(local.watch.user_names) == 0 || anytrue([for name in local.watch.user_names : startswith(name, "system:")])
  automation_outside_clause = !local.automation_watched ? "" : format(
    "($.user.username = \"system:*\" && ($.sourceIPs[1] = * || %s))",
    local.first_address_outside,
  )

  subject_terms = compact(concat(
    [local.share_verbs ? local.shared_clause : length(local.what_terms) > 0 ? local.person_clause : ""],
    length(local.ignored_terms) > 0 ? local.except_terms : [],
    local.any_user_terms,
    local.non_node_terms,
    [local.share_verbs ? "" : local.automation_write_clause],
    [local.automation_outside_clause],
  ))
  subject_clause = length(local.subject_terms) > 1 ? "(${join(" || ", local.subject_terms)})" : join("", local.subject_terms)

  generated_filter_pattern = "{ ${join(" && ", compact(concat(
    local.stage_terms, [local.user_clause, local.subject_clause],
  )))} }"

  filter_pattern = var.filter_pattern != null ? var.filter_pattern : local.generated_filter_pattern
}

# A raw filter_pattern is checked at plan as far as Terraform's functions reach (variables.tf);
# the CLI's `eks-audit-bot test-pattern` parses it fully, naming the position. A validation may
# not use locals derived from its own variable (a cycle), so these are the constants it uses.
locals {
  # Every list of var.watch, for messages that name the entry.
  watch_list_keys = [
    "user_names", "ignored_user_names", "ignored_user_names_except", "namespaces",
    "namespaced_resources", "cluster_resources", "api_groups", "subresources", "ignored_verbs",
    "ignored_verbs_except_resources", "excluded_stages", "any_user_subresources", "any_user_resources",
  ]
  # Quoted strings (with their escapes) and %regex% literals hold any character: emptied first.
  filter_pattern_string = "/\"(\\\\.|[^\"\\\\])*\"/"
  filter_pattern_regex  = "/%[^%\"]*%/"
  # Adjacent bracket pairs, removed round after round: balanced brackets leave nothing.
  filter_pattern_pair = "/\\{\\}|\\(\\)|\\[\\]/"
  # Operators of JSON and space-delimited patterns; anything else made of these characters is a typo.
  filter_pattern_operators = ["=", "!=", "<", ">", "<=", ">=", "&&", "||"]
}
