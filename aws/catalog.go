package aws

import (
	"slices"
	"strings"

	"github.com/iamkit/iamkit/policy"
)

// CatalogEntry lists the AWS actions that one portable action stands for.
type CatalogEntry struct {
	// Portable is the portable action, "service:level", such as
	// "compute:Read".
	Portable policy.Action
	// Actions are the IAM actions it grants, "service:Action", sorted.
	Actions []string
	// ResourceTypes, when set, limits Actions to these EC2 resource types
	// (the resource part of their ARNs: "instance", "volume", …). It is set
	// for the tagging actions ec2:CreateTags and ec2:DeleteTags, which tag
	// every resource of the EC2 API: compute:Tag may tag instances but not
	// volumes, so the translator grants them on instance ARNs only.
	ResourceTypes []string
}

// Catalog returns the translator's catalog: for every portable service and
// level, the AWS actions it stands for. The slice and its contents are the
// caller's to keep.
//
// The catalog is what "compute:Read" means on AWS: an Allow grants exactly
// these actions, never a wildcard such as "ec2:Describe*", which would reach
// volumes, networks and whatever actions AWS adds later. An action serving
// two levels is in the more privileged one. How each level is drawn:
//
//   - List enumerates resources and reference data. AWS's Describe calls
//     return the state of what they list, so most of them are in Read;
//     image:List is empty for that reason, and blockstorage:List and
//     network:List hold only pure enumerations.
//   - Read reads state, configuration and content, short of secrets.
//     Decisions on secrets-revealing reads, all moved to Permissions (the
//     level that hands out access), so that Read and List, and so
//     policy.ReadOnly, never reveal a credential:
//     ec2:GetPasswordData (a Windows instance's administrator password);
//     ec2:GetConsoleOutput and ec2:GetConsoleScreenshot (cloud-init prints
//     generated passwords and keys to the console);
//     ec2:DescribeInstanceAttribute, ec2:DescribeLaunchTemplateVersions and
//     ec2:GetLaunchTemplateData (they return user data, where bootstrap
//     secrets live; DescribeInstances does not return it);
//     ec2:DescribeVpnConnections (returns the VPN pre-shared keys);
//     ebs:GetSnapshotBlock (the raw content of a disk, with everything on
//     the machine). Kept in Read: s3:GetObject and the other object reads
//     (reading the objects of the buckets a statement names is the point of
//     objectstorage:Read; scope it with resources), and
//     iam:GetCredentialReport with iam:GenerateCredentialReport (dates and
//     flags about credentials, never a credential). ec2:DescribeTags is in
//     no level: it reads the tags of every EC2-API resource at once, and
//     each Describe call already returns the tags of what it describes.
//   - Write creates, changes and deletes resources. For iam it only creates
//     and deletes users and groups (with no right nor credential) and
//     manages account aliases and server certificates; everything that
//     changes what an identity may do is in Permissions.
//   - Tag adds and removes tags. EC2, EBS, VPC and AMI resources are all
//     tagged by ec2:CreateTags and ec2:DeleteTags: their entries carry
//     ResourceTypes (see CatalogEntry).
//   - Permissions changes who may access what: policies, group membership,
//     access keys, passwords, MFA, roles, iam:PassRole, instance profiles,
//     bucket policies and ACLs, snapshot and AMI sharing, plus the
//     secrets-revealing reads above. A security group rule is network
//     configuration (network:Write), not a permission.
func Catalog() []CatalogEntry {
	out := make([]CatalogEntry, len(catalog))
	for i, e := range catalog {
		out[i] = CatalogEntry{
			Portable:      policy.Portable(e.service, e.level),
			Actions:       slices.Clone(e.actions),
			ResourceTypes: slices.Clone(e.types),
		}
	}
	return out
}

// catEntry is one (service, level) cell of the catalog.
type catEntry struct {
	service policy.Service
	level   policy.Level
	actions []string
	// types, when set, are the EC2 ARN resource types the actions are
	// limited to under this entry.
	types []string
}

func ec2Actions(names ...string) []string { return prefixed("ec2:", names) }
func iamActions(names ...string) []string { return prefixed("iam:", names) }
func s3Actions(names ...string) []string  { return prefixed("s3:", names) }

func prefixed(p string, names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = p + n
	}
	return out
}

// tagActions tag and untag any resource of the EC2 API.
var tagActions = ec2Actions("CreateTags", "DeleteTags")

// The catalog, service by service, level by level. Each list is sorted
// (catalog_test checks it) and no action appears in two cells, except
// tagActions, which every EC2-API service's Tag cell limits to its own
// resource types.
var catalog = []catEntry{
	// compute: EC2 instances, key pairs, launch templates, placement
	// groups, Spot requests, and EC2 Instance Connect.
	{service: policy.Compute, level: policy.List, actions: ec2Actions(
		"DescribeAccountAttributes", "DescribeAvailabilityZones", "DescribeInstanceTypeOfferings",
		"DescribeInstanceTypes", "DescribeKeyPairs", "DescribeLaunchTemplates", "DescribePlacementGroups",
		"DescribeRegions")},
	{service: policy.Compute, level: policy.Read, actions: ec2Actions(
		"DescribeCapacityReservations", "DescribeHosts", "DescribeIamInstanceProfileAssociations",
		"DescribeInstanceCreditSpecifications", "DescribeInstanceEventNotificationAttributes",
		"DescribeInstanceStatus", "DescribeInstances", "DescribeReservedInstances",
		"DescribeSpotInstanceRequests", "DescribeSpotPriceHistory", "GetDefaultCreditSpecification")},
	{service: policy.Compute, level: policy.Write, actions: ec2Actions(
		"CancelSpotInstanceRequests", "CreateKeyPair", "CreateLaunchTemplate", "CreateLaunchTemplateVersion",
		"CreatePlacementGroup", "DeleteKeyPair", "DeleteLaunchTemplate", "DeleteLaunchTemplateVersions",
		"DeletePlacementGroup", "ImportKeyPair", "ModifyDefaultCreditSpecification", "ModifyInstanceAttribute",
		"ModifyInstanceCreditSpecification", "ModifyInstanceMetadataOptions", "ModifyInstancePlacement",
		"ModifyLaunchTemplate", "MonitorInstances", "RebootInstances", "RequestSpotInstances",
		"ResetInstanceAttribute", "RunInstances", "StartInstances", "StopInstances", "TerminateInstances",
		"UnmonitorInstances")},
	{service: policy.Compute, level: policy.Tag, actions: tagActions,
		types: []string{"instance", "key-pair", "launch-template", "placement-group", "spot-instances-request"}},
	{service: policy.Compute, level: policy.Permissions, actions: append([]string{
		"ec2-instance-connect:SendSSHPublicKey", "ec2-instance-connect:SendSerialConsoleSSHPublicKey"}, ec2Actions(
		"AssociateIamInstanceProfile", "DescribeInstanceAttribute", "DescribeLaunchTemplateVersions",
		"DisassociateIamInstanceProfile", "GetConsoleOutput", "GetConsoleScreenshot", "GetLaunchTemplateData",
		"GetPasswordData", "ReplaceIamInstanceProfileAssociation")...)},

	// blockstorage: EBS volumes and snapshots (EC2 API and EBS direct APIs).
	{service: policy.BlockStorage, level: policy.List, actions: []string{
		"ebs:ListChangedBlocks", "ebs:ListSnapshotBlocks"}},
	{service: policy.BlockStorage, level: policy.Read, actions: ec2Actions(
		"DescribeFastSnapshotRestores", "DescribeSnapshotAttribute", "DescribeSnapshotTierStatus",
		"DescribeSnapshots", "DescribeVolumeAttribute", "DescribeVolumeStatus", "DescribeVolumes",
		"DescribeVolumesModifications", "GetEbsDefaultKmsKeyId", "GetEbsEncryptionByDefault")},
	{service: policy.BlockStorage, level: policy.Write, actions: append([]string{
		"ebs:CompleteSnapshot", "ebs:PutSnapshotBlock", "ebs:StartSnapshot"}, ec2Actions(
		"AttachVolume", "CopySnapshot", "CreateSnapshot", "CreateSnapshots", "CreateVolume", "DeleteSnapshot",
		"DeleteVolume", "DetachVolume", "DisableEbsEncryptionByDefault", "DisableFastSnapshotRestores",
		"EnableEbsEncryptionByDefault", "EnableFastSnapshotRestores", "EnableVolumeIO", "ModifyEbsDefaultKmsKeyId",
		"ModifySnapshotTier", "ModifyVolume", "ModifyVolumeAttribute", "ResetEbsDefaultKmsKeyId",
		"RestoreSnapshotTier")...)},
	{service: policy.BlockStorage, level: policy.Tag, actions: tagActions,
		types: []string{"snapshot", "volume"}},
	{service: policy.BlockStorage, level: policy.Permissions, actions: append([]string{
		"ebs:GetSnapshotBlock"}, ec2Actions("ModifySnapshotAttribute", "ResetSnapshotAttribute")...)},

	// network: VPCs, subnets, routes, gateways, addresses, interfaces,
	// security groups, network ACLs, endpoints, peering, flow logs.
	{service: policy.Network, level: policy.List, actions: ec2Actions(
		"DescribePrefixLists", "DescribeVpcEndpointServices")},
	{service: policy.Network, level: policy.Read, actions: ec2Actions(
		"DescribeAddresses", "DescribeAddressesAttribute", "DescribeCustomerGateways", "DescribeDhcpOptions",
		"DescribeEgressOnlyInternetGateways", "DescribeFlowLogs", "DescribeInternetGateways",
		"DescribeManagedPrefixLists", "DescribeNatGateways", "DescribeNetworkAcls",
		"DescribeNetworkInterfaceAttribute", "DescribeNetworkInterfacePermissions", "DescribeNetworkInterfaces",
		"DescribeRouteTables", "DescribeSecurityGroupReferences", "DescribeSecurityGroupRules",
		"DescribeSecurityGroups", "DescribeStaleSecurityGroups", "DescribeSubnets", "DescribeVpcAttribute",
		"DescribeVpcEndpoints", "DescribeVpcPeeringConnections", "DescribeVpcs", "DescribeVpnGateways",
		"GetManagedPrefixListEntries")},
	{service: policy.Network, level: policy.Write, actions: ec2Actions(
		"AcceptVpcPeeringConnection", "AllocateAddress", "AssignPrivateIpAddresses",
		"AssignPrivateNatGatewayAddress", "AssociateAddress", "AssociateDhcpOptions",
		"AssociateNatGatewayAddress", "AssociateRouteTable", "AssociateSubnetCidrBlock",
		"AssociateVpcCidrBlock", "AttachInternetGateway", "AttachNetworkInterface",
		"AuthorizeSecurityGroupEgress", "AuthorizeSecurityGroupIngress", "CreateDhcpOptions",
		"CreateEgressOnlyInternetGateway", "CreateFlowLogs", "CreateInternetGateway", "CreateNatGateway",
		"CreateNetworkAcl", "CreateNetworkAclEntry", "CreateNetworkInterface", "CreateRoute",
		"CreateRouteTable", "CreateSecurityGroup", "CreateSubnet", "CreateVpc", "CreateVpcEndpoint",
		"CreateVpcPeeringConnection", "DeleteDhcpOptions", "DeleteEgressOnlyInternetGateway",
		"DeleteFlowLogs", "DeleteInternetGateway", "DeleteNatGateway", "DeleteNetworkAcl",
		"DeleteNetworkAclEntry", "DeleteNetworkInterface", "DeleteRoute", "DeleteRouteTable",
		"DeleteSecurityGroup", "DeleteSubnet", "DeleteVpc", "DeleteVpcEndpoints", "DeleteVpcPeeringConnection",
		"DetachInternetGateway", "DetachNetworkInterface", "DisassociateAddress",
		"DisassociateNatGatewayAddress", "DisassociateRouteTable", "DisassociateSubnetCidrBlock",
		"DisassociateVpcCidrBlock", "ModifyAddressAttribute", "ModifyNetworkInterfaceAttribute",
		"ModifySecurityGroupRules", "ModifySubnetAttribute", "ModifyVpcAttribute", "ModifyVpcEndpoint",
		"RejectVpcPeeringConnection", "ReleaseAddress", "ReplaceNetworkAclAssociation",
		"ReplaceNetworkAclEntry", "ReplaceRoute", "ReplaceRouteTableAssociation", "ResetAddressAttribute",
		"RevokeSecurityGroupEgress", "RevokeSecurityGroupIngress", "UnassignPrivateIpAddresses",
		"UnassignPrivateNatGatewayAddress", "UpdateSecurityGroupRuleDescriptionsEgress",
		"UpdateSecurityGroupRuleDescriptionsIngress")},
	{service: policy.Network, level: policy.Tag, actions: tagActions,
		types: []string{"dhcp-options", "egress-only-internet-gateway", "elastic-ip", "internet-gateway",
			"natgateway", "network-acl", "network-interface", "prefix-list", "route-table", "security-group",
			"security-group-rule", "subnet", "vpc", "vpc-endpoint", "vpc-flow-log", "vpc-peering-connection"}},
	{service: policy.Network, level: policy.Permissions, actions: ec2Actions(
		"CreateNetworkInterfacePermission", "DeleteNetworkInterfacePermission", "DescribeVpnConnections")},

	// image: AMIs.
	{service: policy.Image, level: policy.List},
	{service: policy.Image, level: policy.Read, actions: ec2Actions(
		"DescribeExportImageTasks", "DescribeImageAttribute", "DescribeImages", "DescribeImportImageTasks")},
	{service: policy.Image, level: policy.Write, actions: ec2Actions(
		"CancelExportTask", "CancelImportTask", "CopyImage", "CreateImage", "DeregisterImage",
		"DisableImageDeprecation", "EnableImageDeprecation", "ExportImage", "ImportImage", "RegisterImage")},
	{service: policy.Image, level: policy.Tag, actions: tagActions, types: []string{"image"}},
	{service: policy.Image, level: policy.Permissions, actions: ec2Actions(
		"DisableImageBlockPublicAccess", "EnableImageBlockPublicAccess", "ModifyImageAttribute",
		"ResetImageAttribute")},

	// objectstorage: S3 buckets and objects.
	{service: policy.ObjectStorage, level: policy.List, actions: s3Actions(
		"GetBucketLocation", "ListAllMyBuckets", "ListBucket", "ListBucketMultipartUploads",
		"ListBucketVersions", "ListMultipartUploadParts")},
	{service: policy.ObjectStorage, level: policy.Read, actions: s3Actions(
		"GetAccelerateConfiguration", "GetAccountPublicAccessBlock", "GetBucketAcl", "GetBucketCORS",
		"GetBucketLogging", "GetBucketNotification", "GetBucketObjectLockConfiguration",
		"GetBucketOwnershipControls", "GetBucketPolicy", "GetBucketPolicyStatus",
		"GetBucketPublicAccessBlock", "GetBucketRequestPayment", "GetBucketTagging", "GetBucketVersioning",
		"GetBucketWebsite", "GetEncryptionConfiguration", "GetLifecycleConfiguration", "GetObject",
		"GetObjectAcl", "GetObjectAttributes", "GetObjectLegalHold", "GetObjectRetention", "GetObjectTagging",
		"GetObjectVersion", "GetObjectVersionAcl", "GetObjectVersionTagging", "GetReplicationConfiguration")},
	{service: policy.ObjectStorage, level: policy.Write, actions: s3Actions(
		"AbortMultipartUpload", "BypassGovernanceRetention", "CreateBucket", "DeleteBucket",
		"DeleteBucketWebsite", "DeleteObject", "DeleteObjectVersion", "PutAccelerateConfiguration",
		"PutBucketCORS", "PutBucketLogging", "PutBucketNotification", "PutBucketObjectLockConfiguration",
		"PutBucketRequestPayment", "PutBucketVersioning", "PutBucketWebsite", "PutEncryptionConfiguration",
		"PutLifecycleConfiguration", "PutObject", "PutObjectLegalHold", "PutObjectRetention",
		"PutReplicationConfiguration", "RestoreObject")},
	{service: policy.ObjectStorage, level: policy.Tag, actions: s3Actions(
		"DeleteObjectTagging", "DeleteObjectVersionTagging", "PutBucketTagging", "PutObjectTagging",
		"PutObjectVersionTagging")},
	{service: policy.ObjectStorage, level: policy.Permissions, actions: s3Actions(
		"DeleteBucketPolicy", "PutAccountPublicAccessBlock", "PutBucketAcl", "PutBucketOwnershipControls",
		"PutBucketPolicy", "PutBucketPublicAccessBlock", "PutObjectAcl", "PutObjectVersionAcl")},

	// iam: users, groups, policies, access keys, roles.
	{service: policy.IAM, level: policy.List, actions: iamActions(
		"ListAccessKeys", "ListAccountAliases", "ListAttachedGroupPolicies", "ListAttachedRolePolicies",
		"ListAttachedUserPolicies", "ListEntitiesForPolicy", "ListGroupPolicies", "ListGroups",
		"ListGroupsForUser", "ListInstanceProfiles", "ListInstanceProfilesForRole", "ListMFADevices",
		"ListOpenIDConnectProviders", "ListPolicies", "ListPolicyTags", "ListPolicyVersions",
		"ListRolePolicies", "ListRoleTags", "ListRoles", "ListSAMLProviders", "ListSSHPublicKeys",
		"ListServerCertificates", "ListServiceSpecificCredentials", "ListSigningCertificates",
		"ListUserPolicies", "ListUserTags", "ListUsers", "ListVirtualMFADevices")},
	{service: policy.IAM, level: policy.Read, actions: iamActions(
		"GenerateCredentialReport", "GenerateServiceLastAccessedDetails", "GetAccessKeyLastUsed",
		"GetAccountAuthorizationDetails", "GetAccountPasswordPolicy", "GetAccountSummary",
		"GetCredentialReport", "GetGroup", "GetGroupPolicy", "GetInstanceProfile", "GetLoginProfile",
		"GetOpenIDConnectProvider", "GetPolicy", "GetPolicyVersion", "GetRole", "GetRolePolicy",
		"GetSAMLProvider", "GetSSHPublicKey", "GetServerCertificate", "GetServiceLastAccessedDetails",
		"GetUser", "GetUserPolicy", "SimulateCustomPolicy", "SimulatePrincipalPolicy")},
	{service: policy.IAM, level: policy.Write, actions: iamActions(
		"CreateAccountAlias", "CreateGroup", "CreateUser", "DeleteAccountAlias", "DeleteGroup",
		"DeleteServerCertificate", "DeleteUser", "SetSecurityTokenServicePreferences",
		"UpdateServerCertificate", "UploadServerCertificate")},
	{service: policy.IAM, level: policy.Tag, actions: iamActions(
		"TagInstanceProfile", "TagPolicy", "TagRole", "TagUser", "UntagInstanceProfile", "UntagPolicy",
		"UntagRole", "UntagUser")},
	{service: policy.IAM, level: policy.Permissions, actions: iamActions(
		"AddRoleToInstanceProfile", "AddUserToGroup", "AttachGroupPolicy", "AttachRolePolicy",
		"AttachUserPolicy", "ChangePassword", "CreateAccessKey", "CreateInstanceProfile", "CreateLoginProfile",
		"CreatePolicy", "CreatePolicyVersion", "CreateRole", "CreateServiceLinkedRole",
		"CreateServiceSpecificCredential", "CreateVirtualMFADevice", "DeactivateMFADevice", "DeleteAccessKey",
		"DeleteAccountPasswordPolicy", "DeleteGroupPolicy", "DeleteInstanceProfile", "DeleteLoginProfile",
		"DeletePolicy", "DeletePolicyVersion", "DeleteRole", "DeleteRolePermissionsBoundary", "DeleteRolePolicy",
		"DeleteSSHPublicKey", "DeleteServiceLinkedRole", "DeleteServiceSpecificCredential",
		"DeleteSigningCertificate", "DeleteUserPermissionsBoundary", "DeleteUserPolicy",
		"DeleteVirtualMFADevice", "DetachGroupPolicy", "DetachRolePolicy", "DetachUserPolicy",
		"EnableMFADevice", "PassRole", "PutGroupPolicy", "PutRolePermissionsBoundary", "PutRolePolicy",
		"PutUserPermissionsBoundary", "PutUserPolicy", "RemoveRoleFromInstanceProfile",
		"RemoveUserFromGroup", "ResetServiceSpecificCredential", "ResyncMFADevice", "SetDefaultPolicyVersion",
		"UpdateAccessKey", "UpdateAccountPasswordPolicy", "UpdateAssumeRolePolicy", "UpdateGroup",
		"UpdateLoginProfile", "UpdateRole", "UpdateRoleDescription", "UpdateSSHPublicKey",
		"UpdateServiceSpecificCredential", "UpdateSigningCertificate", "UpdateUser", "UploadSSHPublicKey",
		"UploadSigningCertificate")},
}

// starOnlyActions are catalog actions that take no resource ARN (AWS
// authorizes them on "*" only), besides every ec2:Describe… action. A
// statement scoped to resources grants them nothing; a Deny so scoped is
// widened to "*" for them. Listing an action here that does support
// resources only makes the translator more cautious.
var starOnlyActions = map[string]bool{
	"ec2:DisableEbsEncryptionByDefault": true, "ec2:DisableImageBlockPublicAccess": true,
	"ec2:EnableEbsEncryptionByDefault": true, "ec2:EnableImageBlockPublicAccess": true,
	"ec2:GetDefaultCreditSpecification": true, "ec2:GetEbsDefaultKmsKeyId": true,
	"ec2:GetEbsEncryptionByDefault": true, "ec2:ModifyDefaultCreditSpecification": true,
	"ec2:ModifyEbsDefaultKmsKeyId": true, "ec2:ResetEbsDefaultKmsKeyId": true,
	"iam:CreateAccountAlias": true, "iam:DeleteAccountAlias": true, "iam:DeleteAccountPasswordPolicy": true,
	"iam:GenerateCredentialReport": true, "iam:GetAccountAuthorizationDetails": true,
	"iam:GetAccountPasswordPolicy": true, "iam:GetAccountSummary": true, "iam:GetCredentialReport": true,
	"iam:GetServiceLastAccessedDetails": true, "iam:ListAccountAliases": true, "iam:ListGroups": true,
	"iam:ListInstanceProfiles": true, "iam:ListOpenIDConnectProviders": true, "iam:ListPolicies": true,
	"iam:ListRoles": true, "iam:ListSAMLProviders": true, "iam:ListServerCertificates": true,
	"iam:ListUsers": true, "iam:ListVirtualMFADevices": true, "iam:SetSecurityTokenServicePreferences": true,
	"iam:SimulateCustomPolicy": true, "iam:UpdateAccountPasswordPolicy": true,
	"s3:GetAccountPublicAccessBlock": true, "s3:ListAllMyBuckets": true, "s3:PutAccountPublicAccessBlock": true,
}

// starOnly reports whether the literal action a (no wildcard) is authorized
// on "*" only.
func starOnly(a string) bool {
	return strings.HasPrefix(a, "ec2:Describe") || starOnlyActions[a]
}

// catalogIndex is the catalog indexed for the translator.
type catalogIndex struct {
	cells map[policy.Service]map[policy.Level]*catEntry
	// owners maps each action prefix ("ec2", "s3", …) to the cells that
	// hold actions with it.
	owners map[string][]*catEntry
}

var catIndex = func() catalogIndex {
	ix := catalogIndex{
		cells:  make(map[policy.Service]map[policy.Level]*catEntry),
		owners: make(map[string][]*catEntry),
	}
	for i := range catalog {
		e := &catalog[i]
		if ix.cells[e.service] == nil {
			ix.cells[e.service] = make(map[policy.Level]*catEntry)
		}
		ix.cells[e.service][e.level] = e
		seen := map[string]bool{}
		for _, a := range e.actions {
			p := actionPrefix(a)
			if !seen[p] {
				seen[p] = true
				ix.owners[p] = append(ix.owners[p], e)
			}
		}
	}
	return ix
}()

// actionPrefix returns the service prefix of an IAM action: "ec2" for
// "ec2:RunInstances", "" for "*".
func actionPrefix(a string) string {
	p, _, ok := strings.Cut(a, ":")
	if !ok {
		return ""
	}
	return strings.ToLower(p)
}
