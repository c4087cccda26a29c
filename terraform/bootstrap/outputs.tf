output "state_bucket_name" {
  description = "Pass as -backend-config=bucket=... to terraform init in envs/dev and envs/prod."
  value       = aws_s3_bucket.state.id
}

output "state_kms_key_arn" {
  description = "Pass as -backend-config=kms_key_id=... so state objects are written with this key."
  value       = aws_kms_key.state.arn
}
