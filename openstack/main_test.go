package openstack_test

import (
	"os"
	"testing"

	"github.com/iamkit/iamkit/internal/keystone"
)

// TestMain shares one Keystone between the tests of the package.
func TestMain(m *testing.M) { os.Exit(keystone.Main(m)) }
