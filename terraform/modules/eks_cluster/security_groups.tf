# The cluster's firewall rules (the table in terraform/README.md lists them).
# The control plane's network interfaces carry control_plane (besides the
# security group EKS makes itself); nodes and pods carry nodes. Nodes accept
# traffic only from each other, from the control plane on the ports it calls
# (kubelet, and the webhooks and aggregated APIs served by pods), and from the
# load balancer's subnets on the application port. Egress is narrowed to
# what the nodes need: each other, the API server, HTTPS out (AWS APIs and
# image registries) and PostgreSQL into the database subnets.

locals {
  # Ports on the nodes the control plane calls: 10250 kubelet (logs, exec,
  # metrics), 10251 the EKS metrics-server add-on's aggregated API, 9443 the
  # webhooks of the load balancer controller and External Secrets, 443
  # webhooks served on the standard port.
  control_plane_to_node_ports = {
    https          = 443
    webhooks       = 9443
    kubelet        = 10250
    metrics_server = 10251
  }
}

resource "aws_security_group" "control_plane" {
  name        = "${var.name}-control-plane"
  description = "EKS control plane network interfaces: the API from nodes, calls to nodes"
  vpc_id      = var.vpc_id

  tags = merge(var.tags, { Name = "${var.name}-control-plane" })
}

resource "aws_security_group" "nodes" {
  name        = "${var.name}-nodes"
  description = "EKS nodes and pods: from each other, the control plane and the load balancer only"
  vpc_id      = var.vpc_id

  # The load balancer controller looks for exactly one security group with
  # this tag on a target's interface.
  tags = merge(var.tags, {
    Name                                = "${var.name}-nodes"
    "kubernetes.io/cluster/${var.name}" = "owned"
  })
}

resource "aws_vpc_security_group_ingress_rule" "control_plane_from_nodes" {
  security_group_id            = aws_security_group.control_plane.id
  description                  = "Kubernetes API from nodes and pods"
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  referenced_security_group_id = aws_security_group.nodes.id
}

resource "aws_vpc_security_group_egress_rule" "control_plane_to_nodes" {
  for_each = local.control_plane_to_node_ports

  security_group_id            = aws_security_group.control_plane.id
  description                  = "Control plane to nodes: ${each.key}"
  ip_protocol                  = "tcp"
  from_port                    = each.value
  to_port                      = each.value
  referenced_security_group_id = aws_security_group.nodes.id
}

resource "aws_vpc_security_group_ingress_rule" "nodes_from_control_plane" {
  for_each = local.control_plane_to_node_ports

  security_group_id            = aws_security_group.nodes.id
  description                  = "From the control plane: ${each.key}"
  ip_protocol                  = "tcp"
  from_port                    = each.value
  to_port                      = each.value
  referenced_security_group_id = aws_security_group.control_plane.id
}

resource "aws_vpc_security_group_ingress_rule" "nodes_from_nodes" {
  security_group_id            = aws_security_group.nodes.id
  description                  = "Node to node and pod to pod (DNS, Prometheus scrapes, application traffic)"
  ip_protocol                  = "-1"
  referenced_security_group_id = aws_security_group.nodes.id
}

resource "aws_vpc_security_group_ingress_rule" "nodes_from_load_balancer" {
  security_group_id = aws_security_group.nodes.id
  description       = "msg-server's http port from the load balancer (IP targets) in the public subnets"
  ip_protocol       = "tcp"
  from_port         = 8080
  to_port           = 8080
  cidr_ipv4         = var.load_balancer_source_cidr
}

resource "aws_vpc_security_group_egress_rule" "nodes_to_nodes" {
  security_group_id            = aws_security_group.nodes.id
  description                  = "Node to node and pod to pod"
  ip_protocol                  = "-1"
  referenced_security_group_id = aws_security_group.nodes.id
}

resource "aws_vpc_security_group_egress_rule" "nodes_to_control_plane" {
  security_group_id            = aws_security_group.nodes.id
  description                  = "Kubernetes API"
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  referenced_security_group_id = aws_security_group.control_plane.id
}

# HTTPS anywhere: AWS APIs not behind an endpoint (EC2, ELB, EKS), and the
# public registries the add-on charts pull from. Security groups cannot name
# hostnames; this is as narrow as AWS allows without a proxy.
resource "aws_vpc_security_group_egress_rule" "nodes_https_out" {
  security_group_id = aws_security_group.nodes.id
  description       = "HTTPS to AWS APIs and image registries"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_egress_rule" "nodes_to_database" {
  security_group_id = aws_security_group.nodes.id
  description       = "PostgreSQL into the database subnets"
  ip_protocol       = "tcp"
  from_port         = 5432
  to_port           = 5432
  cidr_ipv4         = var.database_cidr
}
