package policy

import (
	"time"
)

// Build returns a Document of the given statements.
func Build(stmts ...Statement) Document {
	return Document{Version: Version, Statements: stmts}
}

// Allowing returns a statement that allows actions on every resource;
// narrow it with On and When.
func Allowing(actions ...Action) Statement {
	return Statement{Effect: Allow, Actions: actions, Resources: []Resource{"*"}}
}

// Denying returns a statement that denies actions on every resource.
func Denying(actions ...Action) Statement {
	return Statement{Effect: Deny, Actions: actions, Resources: []Resource{"*"}}
}

// Named returns s with Sid set.
func (s Statement) Named(sid string) Statement {
	s.Sid = sid
	return s
}

// On returns s restricted to resources.
func (s Statement) On(resources ...Resource) Statement {
	s.Resources = resources
	s.NotResources = nil
	return s
}

// When returns s with one more condition.
func (s Statement) When(op Operator, key string, values ...string) Statement {
	s.Conditions = append(s.Conditions[:len(s.Conditions):len(s.Conditions)], Condition{Operator: op, Key: key, Values: values})
	return s
}

// FromNetworks returns s restricted to callers in the given CIDR ranges.
func (s Statement) FromNetworks(cidrs ...string) Statement {
	return s.When(IPAddress, KeySourceIP, cidrs...)
}

// Between returns s restricted to the validity window [notBefore, notAfter];
// a zero bound is left open.
func (s Statement) Between(notBefore, notAfter time.Time) Statement {
	if !notBefore.IsZero() {
		s = s.When(DateGreaterThanEquals, KeyCurrentTime, notBefore.UTC().Format(time.RFC3339))
	}
	if !notAfter.IsZero() {
		s = s.When(DateLessThanEquals, KeyCurrentTime, notAfter.UTC().Format(time.RFC3339))
	}
	return s
}

// ReadOnly lets an identity list and read the given services, and nothing
// else: the monitoring scenario ("read the state of my VMs"; on Outscale
// the guide's "api:Read*"). Secrets-revealing reads (such as a VM's
// password data) are not part of the Read level.
//
// At least one service is required: with none the statement has no
// action, and Validate, every Translator and Provision refuse the document
// (ErrInvalid).
func ReadOnly(services ...Service) Document {
	actions := make([]Action, 0, 2*len(services))
	for _, s := range services {
		actions = append(actions, Portable(s, List), Portable(s, Read))
	}
	return Build(Allowing(actions...).Named("ReadOnly"))
}

// FullAccess lets an identity do everything on the given services. At
// least one service is required, as for ReadOnly.
func FullAccess(services ...Service) Document {
	actions := make([]Action, 0, len(services))
	for _, s := range services {
		actions = append(actions, Portable(s, "*"))
	}
	return Build(Allowing(actions...).Named("FullAccess"))
}

// FullControl allows every action on every resource, as the RightScale
// guide's policy does for a tool that manages the whole account. Lint flags
// it; prefer a narrower policy where the tool allows it.
func FullControl() Document {
	return Build(Allowing("*").Named("FullControl"))
}

// IAMAdmin allows every identity-management action and nothing else: the
// boto guide's admin group, to which user management is delegated.
func IAMAdmin() Document {
	return Build(Allowing(Portable(IAM, "*")).Named("IAMAdmin"))
}

// EC2AndS3 allows every EC2 and S3 action and nothing else (the boto
// guide's EC2/S3 group). It is native to AWS.
func EC2AndS3() Document {
	return Build(Allowing("aws:ec2:*", "aws:s3:*").Named("EC2AndS3"))
}

// SimpleDBReadOnly allows only GetAttributes and Select on one SimpleDB
// domain (the boto guide's read-only group). It is native to AWS.
func SimpleDBReadOnly(region, accountID, domain string) Document {
	arn := Resource("arn:aws:sdb:" + region + ":" + accountID + ":domain/" + domain)
	return Build(Allowing("aws:sdb:GetAttributes", "aws:sdb:Select").On(arn).Named("SimpleDBReadOnly"))
}

// OVHInfrastructureSupervisor lets an identity list and read the compute,
// image, block storage and network resources of one Public Cloud project,
// and nothing else: what OVHcloud's
// publicCloudProject:openstack:infrastructureSupervisor right grants, as in
// the OVHcloud service-account guide, which is how the ovh adapter
// translates it. Object storage stays refused.
func OVHInfrastructureSupervisor(projectID string) Document {
	services := []Service{Compute, Image, BlockStorage, Network}
	actions := make([]Action, 0, 2*len(services))
	for _, s := range services {
		actions = append(actions, Portable(s, List), Portable(s, Read))
	}
	return Build(Allowing(actions...).On(Resource("project/" + projectID)).Named("InfrastructureSupervisor"))
}

// LayerOpsOperator is the AWS policy the LayerOps platform asks for: EC2
// reads, the creation of the resources it runs, and changes to existing
// resources only where their CreatedBy tag, if any, is "user".
func LayerOpsOperator() Document {
	return Build(
		Allowing("aws:ec2:DescribeAccountAttributes", "aws:iam:GetUser").Named("Account"),
		Allowing(awsEC2(
			"DescribeAddresses", "DescribeAddressesAttribute", "DescribeImages", "DescribeInstanceAttribute",
			"DescribeInstanceCreditSpecifications", "DescribeInstances", "DescribeInternetGateways",
			"DescribeKeyPairs", "DescribeLaunchTemplates", "DescribeNatGateways", "DescribeNetworkInterfaces",
			"DescribeRouteTables", "DescribeSecurityGroupRules", "DescribeSecurityGroups", "DescribeSubnets",
			"DescribeTags", "DescribeVolumes", "DescribeVpcAttribute", "DescribeVpcs")...).Named("Describe"),
		Allowing(awsEC2(
			"AllocateAddress", "AssignPrivateNatGatewayAddress", "AssociateNatGatewayAddress",
			"AssociateRouteTable", "AttachInternetGateway", "AttachVolume", "AuthorizeSecurityGroupEgress",
			"AuthorizeSecurityGroupIngress", "CopyImage", "CreateInternetGateway", "CreateKeyPair",
			"CreateNatGateway", "CreateRoute", "CreateRouteTable", "CreateSecurityGroup", "CreateSubnet",
			"CreateTags", "CreateVolume", "CreateVpc", "RunInstances", "StartInstances")...).Named("Create"),
		Allowing(awsEC2(
			"DeleteInternetGateway", "DeleteKeyPair", "DeleteNatGateway", "DeleteRoute", "DeleteRouteTable",
			"DeleteSecurityGroup", "DeleteSubnet", "DeleteTags", "DeleteVolume", "DeleteVpc", "DeregisterImage",
			"DisassociateNatGatewayAddress", "DisassociateRouteTable", "DetachInternetGateway", "DetachVolume",
			"ImportKeyPair", "ModifyVpcAttribute", "ReleaseAddress", "RevokeSecurityGroupEgress",
			"RevokeSecurityGroupIngress", "StopInstances", "TerminateInstances",
			"UnassignPrivateNatGatewayAddress")...).
			When(StringEqualsIfExists, KeyResourceTagPrefix+"CreatedBy", "user").Named("ModifyOwn"),
	)
}

func awsEC2(names ...string) []Action {
	out := make([]Action, len(names))
	for i, n := range names {
		out[i] = Action("aws:ec2:" + n)
	}
	return out
}
