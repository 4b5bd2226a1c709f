package iam

// More names of Delivery.Settings, for the OVHcloud entry of an OpenStack
// clouds.yaml (auth type v3oidcclientcredentials), which reaches
// OVHcloud's Keystone with a service account's OAuth2 client credentials.
const (
	// SettingIdentityProvider is the Keystone identity provider of the
	// OVHcloud OIDC federation, such as "ovhcloud-emea" or "ovhcloud-us".
	SettingIdentityProvider = "identity_provider"
	// SettingDiscoveryEndpoint is the OpenID Connect discovery URL
	// (".../.well-known/openid-configuration") of that federation.
	SettingDiscoveryEndpoint = "discovery_endpoint"
)
