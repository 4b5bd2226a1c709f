package iam

import "context"

// Delivery is a new access key handed to a Sink, with what the automation
// tool needs to use it.
type Delivery struct {
	// Provider is the provider's Name: "aws", "outscale", "ovh",
	// "openstack", "memory".
	Provider string
	// User is the key's user.
	User string
	// Key is the new key, with its Secret.
	Key *AccessKey
	// Settings are the non-secret settings a credentials file may need,
	// under the Setting… names; a sink uses those it knows.
	Settings map[string]string
}

// Names of Delivery.Settings.
const (
	SettingRegion    = "region"     // AWS, Outscale, OpenStack region
	SettingEndpoint  = "endpoint"   // API endpoint URL, when not the default
	SettingAuthURL   = "auth_url"   // OpenStack Keystone URL
	SettingProjectID = "project_id" // OpenStack / OVHcloud Public Cloud project
)

// Sink receives a new access key and puts it where the automation tool
// will read it: a credentials file, a secret store, a callback. A key
// counts as delivered only once Deliver has returned nil; the workflows
// delete a key whose delivery failed.
//
// Implementations must not log or echo the secret.
type Sink interface {
	// Deliver puts d's key where the tool reads it, and returns nil only
	// once it is there.
	Deliver(ctx context.Context, d Delivery) error
}

// SinkFunc adapts a function to the Sink interface: the callback sink.
type SinkFunc func(ctx context.Context, d Delivery) error

// Deliver calls f.
func (f SinkFunc) Deliver(ctx context.Context, d Delivery) error { return f(ctx, d) }

// DeliveryVerifier is implemented by sinks that can tell whether a key
// was delivered (a credentials file holds its ID). Recover asks it about a
// run that died while handing its key over, to tell a delivered key (the
// run is complete) from one that never reached the tool (deleted).
// Delivered returns an ErrUnsupported error for a key it cannot look for
// (a file that holds a token but not its name); Recover then takes the
// run as complete but unverified.
type DeliveryVerifier interface {
	// Delivered reports whether d's key reached the sink.
	Delivered(ctx context.Context, d Delivery) (bool, error)
}
