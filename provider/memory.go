package provider

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/provider/memory"
)

func init() { Register("memory", openMemory) }

// openMemory opens "memory://" with optional settings in the query:
// page_size, max_keys, policy_versions, max_policy_size (integers) and
// key_delay (a duration, for eventual consistency).
func openMemory(_ context.Context, u *url.URL) (iam.Provider, error) {
	bad := func(msg string) error {
		return &iam.Error{Op: "Open", Resource: "memory://", Kind: iam.ErrInvalid, Msg: msg}
	}
	if u.Host != "" || (u.Path != "" && u.Path != "/") || u.Opaque != "" {
		return nil, bad("memory:// takes no host or path")
	}
	lim := memory.DefaultLimits()
	var opts []memory.Option
	for k, vs := range u.Query() {
		v := vs[len(vs)-1]
		if k == "key_delay" {
			d, err := time.ParseDuration(v)
			if err != nil || d < 0 {
				return nil, bad(fmt.Sprintf("key_delay=%q is not a duration", v))
			}
			opts = append(opts, memory.WithKeyVisibilityDelay(d))
			continue
		}
		switch k {
		case "page_size", "max_keys", "policy_versions", "max_policy_size":
		default:
			return nil, bad(fmt.Sprintf("unknown setting %q; known: page_size, max_keys, policy_versions, max_policy_size, key_delay", k))
		}
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			return nil, bad(fmt.Sprintf("%s=%q is not a positive integer", k, v))
		}
		switch k {
		case "page_size":
			opts = append(opts, memory.WithPageSize(n))
		case "max_keys":
			lim.MaxKeysPerUser = n
		case "policy_versions":
			lim.PolicyVersions = n
		case "max_policy_size":
			lim.MaxPolicySize = n
		}
	}
	return memory.New(append(opts, memory.WithLimits(lim))...), nil
}
