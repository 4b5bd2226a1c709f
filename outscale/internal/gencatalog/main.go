// Command gencatalog writes outscale/catalog_gen.go: the catalog of every
// OUTSCALE API call, classified into the portable vocabulary
// (service:level), read from the official OpenAPI document that ships in
// the github.com/outscale/osc-sdk-go/v2 module the main module requires
// (api/openapi.yaml).
//
// It runs from the outscale package directory through go generate:
//
//	//go:generate go run ./internal/gencatalog -o catalog_gen.go
//
// Each operation is classified by the tag the spec gives it (its service)
// and by the verb its name starts with (its level). A tag or a verb the
// generator does not know fails the run, so that a new SDK version is
// reviewed instead of silently misclassified.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"go/format"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

const sdkModule = "github.com/outscale/osc-sdk-go/v2"

// tagServices maps each tag of the spec to the portable services its calls
// belong to; an empty list means the calls belong to none (they are
// reachable only by native "outscale:api:<Call>" actions or "*").
var tagServices = map[string][]string{
	// compute
	"Vm": {"compute"}, "VmGroup": {"compute"}, "VmTemplate": {"compute"}, "Keypair": {"compute"},
	"FlexibleGpu": {"compute"}, "DedicatedGroup": {"compute"},
	"Region": {"compute"}, "Subregion": {"compute"}, "Location": {"compute"},
	// blockstorage
	"Volume": {"blockstorage"}, "Snapshot": {"blockstorage"},
	// image
	"Image": {"image"},
	// network
	"Net": {"network"}, "Subnet": {"network"}, "SecurityGroup": {"network"}, "SecurityGroupRule": {"network"},
	"PublicIp": {"network"}, "Nic": {"network"}, "NatService": {"network"}, "InternetService": {"network"},
	"Route": {"network"}, "RouteTable": {"network"}, "NetPeering": {"network"}, "NetAccessPoint": {"network"},
	"DhcpOption": {"network"}, "VirtualGateway": {"network"}, "VpnConnection": {"network"},
	"ClientGateway": {"network"}, "DirectLink": {"network"}, "DirectLinkInterface": {"network"},
	"LoadBalancer": {"network"}, "Listener": {"network"}, "LoadBalancerPolicy": {"network"},
	"ServerCertificate": {"network"},
	// iam: EIM and the account's API access rules
	"AccessKey": {"iam"}, "User": {"iam"}, "UserGroup": {"iam"}, "Policy": {"iam"},
	"ApiAccessRule": {"iam"}, "ApiAccessPolicy": {"iam"}, "Ca": {"iam"}, "IdentityProvider": {"iam"},
	// tags apply to the resources of several services
	"Tag": {"compute", "blockstorage", "image", "network"},
	// export tasks of images and snapshots
	"Task": {"blockstorage", "image"},
	// account-level calls that belong to no portable service
	"Account": nil, "ApiLog": nil, "Catalog": nil, "ProductType": nil, "PublicCatalog": nil, "Quota": nil,
}

// secretReads are reads that reveal secrets; they are left out of every
// portable level (Read promises "short of secrets").
var secretReads = map[string]string{
	"ReadAdminPassword": "reveals a VM's generated administrator password",
	"ReadConsoleOutput": "reveals a VM's console output, which can hold generated passwords and keys",
}

// permissionCalls change who may use a resource, beyond writing it.
var permissionCalls = map[string]string{
	"UpdateImage":    "can share the image with other accounts or publicly",
	"UpdateSnapshot": "can share the snapshot with other accounts or publicly",
}

var writeVerbs = []string{
	"Accept", "Add", "Check", "Create", "Delete", "Deregister", "Disable", "Enable", "Link", "Put",
	"Reboot", "Register", "Reject", "Remove", "Scale", "Set", "Start", "Stop", "Unlink", "Update",
}

type entry struct {
	Call, Tag, Level, Note string
	Services               []string
}

func classify(call, tag string) (entry, error) {
	e := entry{Call: call, Tag: tag}
	svcs, ok := tagServices[tag]
	if !ok {
		return e, fmt.Errorf("%s: unknown tag %q: classify it in tagServices", call, tag)
	}
	if why, ok := secretReads[call]; ok {
		e.Note = "secret: " + why
		return e, nil
	}
	if len(svcs) == 0 {
		e.Note = "no portable service"
		return e, nil
	}
	e.Services = svcs
	isTagCall := tag == "Tag" || (strings.HasSuffix(call, "Tags") && !strings.HasPrefix(call, "Read"))
	switch {
	case strings.HasPrefix(call, "Read"):
		e.Level = "Read"
	case isTagCall:
		e.Level = "Tag"
	case svcs[0] == "iam":
		e.Level = "Permissions"
	case permissionCalls[call] != "":
		e.Level = "Permissions"
		e.Note = permissionCalls[call]
	default:
		if !slices.ContainsFunc(writeVerbs, func(v string) bool { return strings.HasPrefix(call, v) }) {
			return e, fmt.Errorf("%s: unknown verb: classify it", call)
		}
		e.Level = "Write"
	}
	if call == "CheckAuthentication" {
		e.Level, e.Services, e.Note = "", nil, "no portable service"
	}
	return e, nil
}

func main() {
	out := flag.String("o", "catalog_gen.go", "output file")
	spec := flag.String("spec", "", "path of openapi.yaml (default: the SDK module's api/openapi.yaml)")
	flag.Parse()
	version := "unknown"
	if *spec == "" {
		cmd := exec.Command("go", "list", "-m", "-json", sdkModule)
		b, err := cmd.Output()
		if err != nil {
			log.Fatalf("gencatalog: go list -m %s: %v", sdkModule, err)
		}
		var m struct{ Dir, Version string }
		if err := json.Unmarshal(b, &m); err != nil {
			log.Fatal(err)
		}
		*spec, version = filepath.Join(m.Dir, "api", "openapi.yaml"), m.Version
	}
	doc, err := openapi3.NewLoader().LoadFromFile(*spec)
	if err != nil {
		log.Fatalf("gencatalog: %v", err)
	}
	var entries []entry
	var errs []string
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			tag := ""
			if len(op.Tags) > 0 {
				tag = op.Tags[0]
			}
			e, err := classify(op.OperationID, tag)
			if err != nil {
				errs = append(errs, err.Error())
				continue
			}
			entries = append(entries, e)
		}
	}
	if len(errs) > 0 {
		slices.Sort(errs)
		log.Fatalf("gencatalog:\n%s", strings.Join(errs, "\n"))
	}
	slices.SortFunc(entries, func(a, b entry) int { return strings.Compare(a.Call, b.Call) })

	var b bytes.Buffer
	fmt.Fprintf(&b, "// Code generated by gencatalog from %s@%s api/openapi.yaml (OpenAPI info.version %s); DO NOT EDIT.\n", sdkModule, version, doc.Info.Version)
	fmt.Fprintf(&b, "// Regenerate with `go generate ./outscale` after updating the SDK; the rules live in outscale/internal/gencatalog.\n\n")
	fmt.Fprintf(&b, "package outscale\n\nimport \"github.com/iamkit/iamkit/policy\"\n\n")
	fmt.Fprintf(&b, "// catalogVersion names the spec the catalog was generated from.\nconst catalogVersion = %q\n\n", sdkModule+"@"+version)
	fmt.Fprintf(&b, "// catalog lists every call of the OUTSCALE API, sorted by name, with\n// its portable level and services (none for calls outside the portable\n// vocabulary, Note says why).\nvar catalog = [...]catalogEntry{\n")
	for _, e := range entries {
		svcs := "nil"
		if len(e.Services) > 0 {
			var parts []string
			for _, s := range e.Services {
				parts = append(parts, fmt.Sprintf("%q", s))
			}
			svcs = "[]policy.Service{" + strings.Join(parts, ", ") + "}"
		}
		lvl := `""`
		if e.Level != "" {
			lvl = "policy." + e.Level
		}
		fmt.Fprintf(&b, "\t{Call: %q, Tag: %q, Level: %s, Services: %s", e.Call, e.Tag, lvl, svcs)
		if e.Note != "" {
			fmt.Fprintf(&b, ", Note: %q", e.Note)
		}
		b.WriteString("},\n")
	}
	b.WriteString("}\n")
	src, err := format.Source(b.Bytes())
	if err != nil {
		log.Fatalf("gencatalog: formatting: %v\n%s", err, b.Bytes())
	}
	if err := os.WriteFile(*out, src, 0o644); err != nil {
		log.Fatal(err)
	}
}
