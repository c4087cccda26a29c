output "endpoint" {
  description = "host:port of the instance."
  value       = "${aws_db_instance.main.address}:${aws_db_instance.main.port}"
}

output "database_name" {
  description = "The database msg-server uses."
  value       = aws_db_instance.main.db_name
}

# The ARN only: the secret's value (username and password) stays in Secrets
# Manager and never enters Terraform state.
output "master_secret_arn" {
  description = "ARN of the RDS-managed master secret in Secrets Manager."
  value       = aws_db_instance.main.master_user_secret[0].secret_arn
}

output "kms_key_arn" {
  description = "The key encrypting storage and the master secret (readers of the secret need kms:Decrypt on it)."
  value       = aws_kms_key.database.arn
}

output "security_group_id" {
  description = "The database's security group."
  value       = aws_security_group.database.id
}
