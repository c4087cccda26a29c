# One network ACL per tier. NACLs are stateless, so every allowed request
# needs its reply allowed too: that is what the rules for high ("ephemeral")
# ports are for. The security groups remain the precise rules; these only make sure
# that a mistake in one security group cannot open a tier to what its role
# never needs (for instance, the database tier can never be reached from the
# public subnets or the internet, whatever a security group says).

locals {
  vpc_cidr = aws_vpc.main.cidr_block

  public_ingress = {
    # HTTPS to the load balancer, and HTTP on 80, which the Ingress's only
    # listener there answers with a redirect to 443 (ssl-redirect).
    100 = { protocol = "tcp", cidr = "0.0.0.0/0", from = 443, to = 443 }
    101 = { protocol = "tcp", cidr = "0.0.0.0/0", from = 80, to = 80 }
    # Replies to connections the NAT gateways made, which arrive on the
    # gateway's ports 1024-65535. 3389 (RDP) is left out so that no rule
    # from the internet covers a remote-administration port (checkov
    # CKV_AWS_231); a NAT'd connection that draws it is retried.
    120 = { protocol = "tcp", cidr = "0.0.0.0/0", from = 1024, to = 3388 }
    121 = { protocol = "tcp", cidr = "0.0.0.0/0", from = 3390, to = 65535 }
    130 = { protocol = "udp", cidr = "0.0.0.0/0", from = 1024, to = 3388 }
    131 = { protocol = "udp", cidr = "0.0.0.0/0", from = 3390, to = 65535 }
    140 = { protocol = "-1", cidr = local.vpc_cidr, from = 0, to = 0 } # from the VPC (nodes via NAT, health checks)
  }

  private_ingress = {
    100 = { protocol = "-1", cidr = local.vpc_cidr, from = 0, to = 0 } # within the VPC (ALB, control plane, nodes)
    # Replies from the internet (through NAT) come back to the node's own
    # ephemeral ports: Linux picks them from 32768-60999.
    110 = { protocol = "tcp", cidr = "0.0.0.0/0", from = 32768, to = 65535 }
    120 = { protocol = "udp", cidr = "0.0.0.0/0", from = 32768, to = 65535 }
  }

  # Only PostgreSQL from the private (node) subnets, and the tier's own
  # subnets among themselves.
  database_ingress = merge(
    { for i, cidr in local.private_cidrs : 100 + i => { protocol = "tcp", cidr = cidr, from = 5432, to = 5432 } },
    { 200 = { protocol = "-1", cidr = local.database_aggregate_cidr, from = 0, to = 0 } },
  )

  database_egress = merge(
    { for i, cidr in local.private_cidrs : 100 + i => { protocol = "tcp", cidr = cidr, from = 1024, to = 65535 } },
    { 200 = { protocol = "-1", cidr = local.database_aggregate_cidr, from = 0, to = 0 } },
  )
}

resource "aws_network_acl" "public" {
  vpc_id     = aws_vpc.main.id
  subnet_ids = aws_subnet.public[*].id

  tags = merge(var.tags, { Name = "${var.name}-public" })
}

resource "aws_network_acl_rule" "public_ingress" {
  for_each = local.public_ingress

  network_acl_id = aws_network_acl.public.id
  egress         = false
  rule_number    = each.key
  rule_action    = "allow"
  protocol       = each.value.protocol
  cidr_block     = each.value.cidr
  from_port      = each.value.from
  to_port        = each.value.to
}

# The public tier forwards the nodes' outbound traffic (NAT) to any port.
resource "aws_network_acl_rule" "public_egress" {
  network_acl_id = aws_network_acl.public.id
  egress         = true
  rule_number    = 100
  rule_action    = "allow"
  protocol       = "-1"
  cidr_block     = "0.0.0.0/0"
  from_port      = 0
  to_port        = 0
}

resource "aws_network_acl" "private" {
  vpc_id     = aws_vpc.main.id
  subnet_ids = aws_subnet.private[*].id

  tags = merge(var.tags, { Name = "${var.name}-private" })
}

resource "aws_network_acl_rule" "private_ingress" {
  for_each = local.private_ingress

  network_acl_id = aws_network_acl.private.id
  egress         = false
  rule_number    = each.key
  rule_action    = "allow"
  protocol       = each.value.protocol
  cidr_block     = each.value.cidr
  from_port      = each.value.from
  to_port        = each.value.to
}

resource "aws_network_acl_rule" "private_egress" {
  network_acl_id = aws_network_acl.private.id
  egress         = true
  rule_number    = 100
  rule_action    = "allow"
  protocol       = "-1"
  cidr_block     = "0.0.0.0/0"
  from_port      = 0
  to_port        = 0
}

resource "aws_network_acl" "database" {
  vpc_id     = aws_vpc.main.id
  subnet_ids = aws_subnet.database[*].id

  tags = merge(var.tags, { Name = "${var.name}-database" })
}

resource "aws_network_acl_rule" "database_ingress" {
  for_each = local.database_ingress

  network_acl_id = aws_network_acl.database.id
  egress         = false
  rule_number    = each.key
  rule_action    = "allow"
  protocol       = each.value.protocol
  cidr_block     = each.value.cidr
  from_port      = each.value.from
  to_port        = each.value.to
}

resource "aws_network_acl_rule" "database_egress" {
  for_each = local.database_egress

  network_acl_id = aws_network_acl.database.id
  egress         = true
  rule_number    = each.key
  rule_action    = "allow"
  protocol       = each.value.protocol
  cidr_block     = each.value.cidr
  from_port      = each.value.from
  to_port        = each.value.to
}
