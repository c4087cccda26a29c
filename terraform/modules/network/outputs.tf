output "vpc_id" {
  description = "The VPC's id."
  value       = aws_vpc.main.id
}

output "vpc_cidr_block" {
  description = "The VPC's IPv4 block."
  value       = aws_vpc.main.cidr_block
}

output "public_subnet_ids" {
  description = "Public subnets (load balancer, NAT gateways), one per zone."
  value       = aws_subnet.public[*].id
}

output "private_subnet_ids" {
  description = "Private subnets (EKS nodes and pods), one per zone."
  value       = aws_subnet.private[*].id
}

output "private_subnet_cidrs" {
  description = "The private subnets' blocks."
  value       = aws_subnet.private[*].cidr_block
}

output "database_subnet_ids" {
  description = "Database subnets (RDS only, no route out of the VPC), one per zone."
  value       = aws_subnet.database[*].id
}

output "public_subnets_aggregate_cidr" {
  description = "One block containing every public subnet: where the load balancer's connections to IP targets come from."
  value       = local.public_aggregate_cidr
}

output "database_subnets_aggregate_cidr" {
  description = "One block containing every database subnet."
  value       = local.database_aggregate_cidr
}
