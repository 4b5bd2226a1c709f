// Package sink delivers a new access key where an automation tool reads
// it: the iam.Sink implementations for the credentials files of each
// ecosystem.
//
//	AWSCredentials  ~/.aws/credentials   [profile] aws_access_key_id / aws_secret_access_key
//	OutscaleConfig  ~/.osc/config.json   "profile": {access_key, secret_key, region, endpoints.api}
//	CloudsYAML      clouds.yaml          v3applicationcredential, or OVHcloud's v3oidcclientcredentials
//	OVHConf         ~/.ovh.conf          [endpoint] client_id / client_secret, or access_token
//	Dotenv          a .env file          AWS_ACCESS_KEY_ID=…, OSC_ACCESS_KEY=…, OS_…, OVH_CLIENT_ID=…
//
// and iam.SinkFunc for anything else (a secret store, a message to
// another process). A workflow hands the key to a sink and counts it as
// delivered only once Deliver returned nil:
//
//	acct, err := iam.Provision(ctx, p, iam.ServiceAccount{
//		User:   "watcher_1",
//		Policy: policy.ReadOnly(policy.Compute),
//		Sink:   sink.AWSCredentials{Profile: "watcher"},
//	})
//
// What a sink writes depends on the key's kind (iam.AccessKey.Kind) as
// well as its provider: an OVHcloud local user's personal access token
// goes to access_token or OVH_ACCESS_TOKEN, not to a client's fields; an
// OpenStack EC2 credential goes to AWSCredentials or to Dotenv's AWS_…
// variables, for EC2- and S3-compatible clients. A sink refuses
// (ErrInvalid) a kind it has no place for, such as an EC2 credential in
// clouds.yaml.
//
// # What every sink guarantees
//
// Only its own entry changes. A sink edits one profile, section, cloud or
// set of variables and keeps the rest of the file: other entries,
// comments, blank lines and unknown keys. The INI and dotenv sinks keep
// every other byte as it was; OutscaleConfig keeps every other value and
// the order of keys but re-indents the JSON; CloudsYAML keeps values,
// comments and order but re-indents the YAML (gopkg.in/yaml.v3), which
// can also drop a blank line or move a comment to a neighbouring line.
//
// The write is atomic. The new content goes to a temporary file in the
// same directory, created with mode 0600, synced, then renamed over the
// target; the directory is synced after. A reader, or a crash at any
// point, sees the old file or the new one. A crash before the rename can
// leave a hidden ".<name>.tmp-…" file of mode 0600 next to the target; the
// target is untouched.
//
// The file ends with mode 0600, whatever mode it had before (a
// credentials file readable by others is a leak; one made read-only by
// its owner gets write access back for its owner only). Missing parent
// directories are created with mode 0700.
//
// A symbolic link is not followed: Deliver refuses a Path that is a link
// (ErrInvalid), so that a key never lands in a file whose location and
// permissions iamkit did not choose, and a link the user made is never
// silently replaced by a regular file. Set Path to the link's target
// instead. (Links in the parent directories are followed as usual.)
//
// There is no file lock: two processes delivering into the same file at
// the same moment can lose one of the updates (never corrupt the file).
//
// # Errors
//
// Errors are *iam.Error values naming the sink, the provider and the
// file; they never contain a secret, nor text quoted from the file (which
// may hold other secrets). Their kinds:
//
//   - iam.ErrInvalid: a Delivery without key, key ID or secret; a provider
//     the sink does not serve (CloudsYAML for "aws"); a missing setting; a
//     value the format cannot carry; an existing file that does not parse
//     (the file is left untouched); a Path that is a symbolic link.
//   - iam.ErrConflict: the entry already holds another kind of
//     credentials that the tool would refuse next to the new ones (OVH).
//   - iam.ErrDenied: the file or directory is not readable or writable.
//   - no kind: other I/O errors (disk full…), reachable with errors.As.
//
// Delivery.Settings supply the non-secret values (region, endpoint, auth
// URL, project); each sink's documentation says which it uses. Every sink
// also accepts the "memory" provider's keys, so that programs tested
// against the fake provider exercise the same sink.
//
// # Recovery
//
// Every sink is also an iam.DeliveryVerifier: Delivered reports whether
// the file holds the key ID in the sink's entry, which iam.Recover asks
// about a run that died while delivering (pass the sink with
// iam.WithSink).
package sink
