variable "eks_bot_name" {
  type        = string
  description = "Name of the eks-audit-bot deployment (the central module's `eks_bot_name`), which names the destination; member modules subscribe to its ARN."
  default     = "eks-audit-bot"
  nullable    = false

  validation {
    condition     = can(regex("^[^:*]{1,512}$", var.eks_bot_name))
    error_message = "eks_bot_name must be 1 to 512 characters without `:` or `*` (a CloudWatch Logs destination name)."
  }
}

variable "stream_arn" {
  type        = string
  description = "ARN of the Kinesis data stream the destination writes to (`modules/central` output `stream_arn`); it may be in another region."
  nullable    = false

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kinesis:[a-z0-9-]+:[0-9]{12}:stream/.+$", var.stream_arn))
    error_message = "stream_arn must be a Kinesis data stream ARN: arn:<partition>:kinesis:<region>:<account>:stream/<name>."
  }
}

variable "destination_role_arn" {
  type        = string
  description = "ARN of the role CloudWatch Logs assumes to put records on the stream (`modules/central` output `destination_role_arn`)."
  nullable    = false

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", var.destination_role_arn))
    error_message = "destination_role_arn must be an IAM role ARN: arn:<partition>:iam::<account>:role/<name>."
  }
}

variable "organization_id" {
  type        = string
  description = "AWS Organizations id whose accounts may subscribe (`aws:PrincipalOrgID`). Set this or `event_account_ids`."
  default     = null

  validation {
    condition     = var.organization_id == null || can(regex("^o-[a-z0-9]{10,32}$", var.organization_id))
    error_message = "organization_id must look like o-a1b2c3d4e5."
  }
}

variable "event_account_ids" {
  type        = list(string)
  description = "Accounts that may subscribe, when not the whole organization: the central module's `event_account_ids`."
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for id in var.event_account_ids : can(regex("^[0-9]{12}$", id))])
    error_message = "event_account_ids must be 12-digit account ids."
  }

  validation {
    condition     = (var.organization_id != null) != (length(var.event_account_ids) > 0)
    error_message = "Set either organization_id or event_account_ids (not both): who may subscribe to the destination."
  }
}

variable "tags" {
  type        = map(string)
  description = "Tags for the destination."
  default     = {}
  nullable    = false
}
