# The network msg-server runs in: one VPC over three zones with three tiers of
# subnets. Public subnets hold only the load balancer and the NAT gateways;
# private subnets hold the EKS nodes and pods (the VPC CNI gives each pod a VPC
# address, hence the large /18s); database subnets have no route out of the VPC
# at all. Each tier has its own network ACL as a second, stateless fence behind
# the security groups, and the VPC endpoints keep image pulls, log shipping and
# STS calls off the NAT gateways (which bill per gigabyte).

data "aws_region" "current" {}

locals {
  # Public and database subnets are carved from one /20 each, so that a single
  # CIDR covers every subnet of the tier: the Kubernetes NetworkPolicy admits the
  # load balancer by public_subnets_aggregate_cidr, and the database NACL and
  # policies name database_subnets_aggregate_cidr.
  public_aggregate_cidr   = cidrsubnet(var.cidr_block, 4, 12)
  database_aggregate_cidr = cidrsubnet(var.cidr_block, 4, 13)

  private_cidrs  = [for i in range(3) : cidrsubnet(var.cidr_block, 2, i)]
  public_cidrs   = [for i in range(3) : cidrsubnet(local.public_aggregate_cidr, 2, i)]
  database_cidrs = [for i in range(3) : cidrsubnet(local.database_aggregate_cidr, 2, i)]

  nat_gateway_count = var.nat_gateway_per_zone ? 3 : 1

  interface_endpoints = ["ecr.api", "ecr.dkr", "logs", "sts"]
}

resource "aws_vpc" "main" {
  cidr_block           = var.cidr_block
  enable_dns_support   = true
  enable_dns_hostnames = true

  tags = merge(var.tags, { Name = var.name })
}

# The default security group is attached to anything created without one;
# emptying it means such a thing can talk to nothing (checkov CKV2_AWS_12).
resource "aws_default_security_group" "main" {
  vpc_id = aws_vpc.main.id

  tags = merge(var.tags, { Name = "${var.name}-default-deny" })
}

resource "aws_internet_gateway" "main" {
  vpc_id = aws_vpc.main.id

  tags = merge(var.tags, { Name = var.name })
}

resource "aws_subnet" "public" {
  count = 3

  vpc_id            = aws_vpc.main.id
  cidr_block        = local.public_cidrs[count.index]
  availability_zone = var.availability_zones[count.index]
  # Nothing in the public tier needs an automatic public address: the NAT
  # gateways use Elastic IPs and the load balancer gets its own.
  map_public_ip_on_launch = false

  tags = merge(var.tags, {
    Name                                        = "${var.name}-public-${var.availability_zones[count.index]}"
    "kubernetes.io/role/elb"                    = "1"
    "kubernetes.io/cluster/${var.cluster_name}" = "shared"
  })
}

resource "aws_subnet" "private" {
  count = 3

  vpc_id                  = aws_vpc.main.id
  cidr_block              = local.private_cidrs[count.index]
  availability_zone       = var.availability_zones[count.index]
  map_public_ip_on_launch = false

  tags = merge(var.tags, {
    Name                                        = "${var.name}-private-${var.availability_zones[count.index]}"
    "kubernetes.io/role/internal-elb"           = "1"
    "kubernetes.io/cluster/${var.cluster_name}" = "shared"
  })
}

resource "aws_subnet" "database" {
  count = 3

  vpc_id                  = aws_vpc.main.id
  cidr_block              = local.database_cidrs[count.index]
  availability_zone       = var.availability_zones[count.index]
  map_public_ip_on_launch = false

  tags = merge(var.tags, { Name = "${var.name}-database-${var.availability_zones[count.index]}" })
}

resource "aws_eip" "nat" {
  count = local.nat_gateway_count

  domain = "vpc"

  tags = merge(var.tags, { Name = "${var.name}-nat-${var.availability_zones[count.index]}" })
}

resource "aws_nat_gateway" "main" {
  count = local.nat_gateway_count

  allocation_id = aws_eip.nat[count.index].id
  subnet_id     = aws_subnet.public[count.index].id

  tags = merge(var.tags, { Name = "${var.name}-${var.availability_zones[count.index]}" })

  depends_on = [aws_internet_gateway.main]
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.main.id

  tags = merge(var.tags, { Name = "${var.name}-public" })
}

resource "aws_route" "public_internet" {
  route_table_id         = aws_route_table.public.id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.main.id
}

resource "aws_route_table_association" "public" {
  count = 3

  subnet_id      = aws_subnet.public[count.index].id
  route_table_id = aws_route_table.public.id
}

# One route table per zone, so that with a NAT gateway per zone each zone
# leaves through its own (and with one NAT gateway all three share it).
resource "aws_route_table" "private" {
  count = 3

  vpc_id = aws_vpc.main.id

  tags = merge(var.tags, { Name = "${var.name}-private-${var.availability_zones[count.index]}" })
}

resource "aws_route" "private_nat" {
  count = 3

  route_table_id         = aws_route_table.private[count.index].id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.main[var.nat_gateway_per_zone ? count.index : 0].id
}

resource "aws_route_table_association" "private" {
  count = 3

  subnet_id      = aws_subnet.private[count.index].id
  route_table_id = aws_route_table.private[count.index].id
}

# The database tier has only the VPC's local route: no way out, no way in
# from outside the VPC.
resource "aws_route_table" "database" {
  vpc_id = aws_vpc.main.id

  tags = merge(var.tags, { Name = "${var.name}-database" })
}

resource "aws_route_table_association" "database" {
  count = 3

  subnet_id      = aws_subnet.database[count.index].id
  route_table_id = aws_route_table.database.id
}
