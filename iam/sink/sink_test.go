package sink

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/iamkit/iamkit/iam"
)

// sinks returns one sink of each kind writing into dir, with a delivery
// each serves.
func sinks(dir string) []struct {
	name string
	sink iam.Sink
	d    iam.Delivery
} {
	return []struct {
		name string
		sink iam.Sink
		d    iam.Delivery
	}{
		{"AWSCredentials", AWSCredentials{Path: filepath.Join(dir, "credentials")}, delivery("aws", nil)},
		{"OutscaleConfig", OutscaleConfig{Path: filepath.Join(dir, "config.json")}, delivery("outscale", nil)},
		{"CloudsYAML", CloudsYAML{Path: filepath.Join(dir, "clouds.yaml")}, delivery("openstack", map[string]string{iam.SettingAuthURL: "https://k/v3"})},
		{"OVHConf", OVHConf{Path: filepath.Join(dir, "ovh.conf")}, delivery("ovh", nil)},
		{"Dotenv", Dotenv{Path: filepath.Join(dir, ".env")}, delivery("ovh", nil)},
	}
}

func TestRefusesIncompleteDelivery(t *testing.T) {
	ctx := context.Background()
	for _, c := range sinks(t.TempDir()) {
		t.Run(c.name, func(t *testing.T) {
			noKey := c.d
			noKey.Key = nil
			noID := c.d
			noID.Key = &iam.AccessKey{Secret: iam.NewSecret(testSecret)}
			noSecret := c.d
			noSecret.Key = &iam.AccessKey{ID: testKeyID}
			wrong := c.d
			wrong.Provider = "gcp"
			for name, d := range map[string]iam.Delivery{"no key": noKey, "no ID": noID, "no secret": noSecret, "unknown provider": wrong} {
				err := c.sink.Deliver(ctx, d)
				if !errors.Is(err, iam.ErrInvalid) {
					t.Errorf("%s: err = %v, want ErrInvalid", name, err)
				}
			}
			if _, err := os.Stat(filepath.Join(filepath.Dir(pathOf(c.sink)))); err == nil {
				if _, err := os.Stat(pathOf(c.sink)); err == nil {
					t.Errorf("a refused delivery wrote %s", pathOf(c.sink))
				}
			}
			ctx, cancel := context.WithCancel(ctx)
			cancel()
			if err := c.sink.Deliver(ctx, c.d); !errors.Is(err, context.Canceled) {
				t.Errorf("canceled: err = %v", err)
			}
		})
	}
}

func pathOf(s iam.Sink) string {
	switch s := s.(type) {
	case AWSCredentials:
		return s.Path
	case OutscaleConfig:
		return s.Path
	case CloudsYAML:
		return s.Path
	case OVHConf:
		return s.Path
	case Dotenv:
		return s.Path
	}
	panic("unknown sink")
}

func TestProviderMismatch(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	cases := []struct {
		sink     iam.Sink
		provider string
	}{
		{CloudsYAML{Path: filepath.Join(dir, "c.yaml")}, "aws"},
		{CloudsYAML{Path: filepath.Join(dir, "c.yaml")}, "outscale"},
		{CloudsYAML{Path: filepath.Join(dir, "c.yaml"), AuthType: AuthApplicationCredential}, "ovh"},
		{CloudsYAML{Path: filepath.Join(dir, "c.yaml"), AuthType: AuthOIDCClientCredentials}, "openstack"},
		{CloudsYAML{Path: filepath.Join(dir, "c.yaml"), AuthType: "password"}, "openstack"},
		{AWSCredentials{Path: filepath.Join(dir, "a")}, "outscale"},
		{OutscaleConfig{Path: filepath.Join(dir, "o")}, "aws"},
		{OVHConf{Path: filepath.Join(dir, "ovh.conf")}, "openstack"},
		{Dotenv{Path: filepath.Join(dir, ".env")}, "gcp"},
	}
	for _, c := range cases {
		d := delivery(c.provider, ovhSettings)
		err := c.sink.Deliver(ctx, d)
		if !errors.Is(err, iam.ErrInvalid) {
			t.Errorf("%T for %q: err = %v, want ErrInvalid", c.sink, c.provider, err)
			continue
		}
		t.Logf("%v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) > 0 {
		t.Errorf("refused deliveries left files: %v", entries)
	}
	err := CloudsYAML{Path: filepath.Join(dir, "c.yaml")}.Deliver(ctx, delivery("aws", nil))
	if err == nil || !strings.Contains(err.Error(), `"aws"`) {
		t.Errorf("message should name the provider: %v", err)
	}
}

func TestMissingSettings(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	err := CloudsYAML{Path: filepath.Join(dir, "c.yaml")}.Deliver(ctx, delivery("openstack", nil))
	if !errors.Is(err, iam.ErrInvalid) || !strings.Contains(err.Error(), iam.SettingAuthURL) {
		t.Errorf("appcred without auth_url: %v", err)
	}
	d := ovhKey()
	d.Settings = map[string]string{iam.SettingAuthURL: "https://auth.cloud.ovh.net/v3"}
	err = CloudsYAML{Path: filepath.Join(dir, "c.yaml")}.Deliver(ctx, d)
	if !errors.Is(err, iam.ErrInvalid) || !strings.Contains(err.Error(), iam.SettingDiscoveryEndpoint) {
		t.Errorf("oidc without its settings: %v", err)
	}
	err = Dotenv{}.Deliver(ctx, delivery("aws", nil))
	if !errors.Is(err, iam.ErrInvalid) || !strings.Contains(err.Error(), "Path") {
		t.Errorf("Dotenv without Path: %v", err)
	}
}

func TestModeAndDirectories(t *testing.T) {
	ctx := context.Background()
	for _, c := range sinks(t.TempDir()) {
		t.Run(c.name, func(t *testing.T) {
			// A new file in a new directory.
			dir := filepath.Join(t.TempDir(), "a", "b")
			s := withPath(c.sink, filepath.Join(dir, "f"))
			if err := s.Deliver(ctx, c.d); err != nil {
				t.Fatal(err)
			}
			checkMode(t, filepath.Join(dir, "f"), 0o600)
			for _, d := range []string{dir, filepath.Dir(dir)} {
				fi, err := os.Stat(d)
				if err != nil {
					t.Fatal(err)
				}
				if fi.Mode().Perm()&0o077 != 0 {
					t.Errorf("%s: mode %v, want 0700 (or stricter)", d, fi.Mode().Perm())
				}
			}
			// An existing world-readable file becomes 0600.
			p := filepath.Join(t.TempDir(), "f")
			if err := os.WriteFile(p, nil, 0o644); err != nil {
				t.Fatal(err)
			}
			if err := withPath(c.sink, p).Deliver(ctx, c.d); err != nil {
				t.Fatal(err)
			}
			checkMode(t, p, 0o600)
			// No temporary file is left behind.
			entries, _ := os.ReadDir(filepath.Dir(p))
			if len(entries) != 1 {
				t.Errorf("directory holds %v, want only the file", entries)
			}
		})
	}
}

func withPath(s iam.Sink, p string) iam.Sink {
	switch s := s.(type) {
	case AWSCredentials:
		s.Path = p
		return s
	case OutscaleConfig:
		s.Path = p
		return s
	case CloudsYAML:
		s.Path = p
		return s
	case OVHConf:
		s.Path = p
		return s
	case Dotenv:
		s.Path = p
		return s
	}
	panic("unknown sink")
}

// TestTempFileNeverWider watches the temporary file at the moment before
// the rename: mode 0600 and the new content.
func TestTempFileNeverWider(t *testing.T) {
	p := filepath.Join(t.TempDir(), "credentials")
	var seen string
	setHook(t, func(tmp string) error {
		seen = tmp
		checkMode(t, tmp, 0o600)
		if filepath.Dir(tmp) != filepath.Dir(p) {
			t.Errorf("temporary file %s is not next to %s", tmp, p)
		}
		return nil
	})
	if err := (AWSCredentials{Path: p}).Deliver(context.Background(), delivery("aws", nil)); err != nil {
		t.Fatal(err)
	}
	if seen == "" {
		t.Fatal("hook not called")
	}
	if _, err := os.Stat(seen); !os.IsNotExist(err) {
		t.Errorf("temporary file still there: %v", err)
	}
}

func setHook(t *testing.T, h func(string) error) {
	t.Helper()
	hookBeforeRename = h
	t.Cleanup(func() { hookBeforeRename = nil })
}

var errCrash = errors.New("simulated crash before rename")

// TestFailureBeforeRename: an error between the temporary file and the
// rename leaves the old file as it was and no temporary file, for every
// sink.
func TestFailureBeforeRename(t *testing.T) {
	ctx := context.Background()
	for _, c := range sinks(t.TempDir()) {
		t.Run(c.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "f")
			s := withPath(c.sink, p)
			if err := s.Deliver(ctx, c.d); err != nil {
				t.Fatal(err)
			}
			old, _ := os.ReadFile(p)
			next := c.d
			next.Key = &iam.AccessKey{ID: "AKIANEWNEWNEWNEWNEW1", Secret: iam.NewSecret("newSecretNewSecret")}
			var tmp string
			setHook(t, func(name string) error {
				tmp = name
				b, err := os.ReadFile(name)
				if err != nil || !bytes.Contains(b, []byte("newSecretNewSecret")) {
					t.Errorf("temporary file does not hold the new content: %v", err)
				}
				return errCrash
			})
			err := s.Deliver(ctx, next)
			if !errors.Is(err, errCrash) {
				t.Fatalf("err = %v, want the crash", err)
			}
			if strings.Contains(err.Error(), "newSecretNewSecret") {
				t.Errorf("error shows the secret: %v", err)
			}
			got, _ := os.ReadFile(p)
			if !bytes.Equal(got, old) {
				t.Errorf("old file changed:\n%s", got)
			}
			if _, err := os.Stat(tmp); !os.IsNotExist(err) {
				t.Errorf("temporary file left: %v", err)
			}
			if ok, _ := s.(iam.DeliveryVerifier).Delivered(ctx, next); ok {
				t.Error("Delivered reports the key that never arrived")
			}
		})
	}
}

// TestCrashBeforeRename kills a process (SIGKILL on Unix) after it wrote
// the temporary file and before the rename: the old file is intact, the
// temporary file left behind has mode 0600, and the next delivery works.
func TestCrashBeforeRename(t *testing.T) {
	if os.Getenv("IAMKIT_SINK_CRASH") != "" {
		crashChild()
		return
	}
	if testing.Short() {
		t.Skip("runs a subprocess")
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "credentials")
	old := "[default]\naws_access_key_id = AKIAOWNEROWNEROWNER1\n"
	if err := os.WriteFile(p, []byte(old), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashBeforeRename$", "-test.v")
	cmd.Env = append(os.Environ(), "IAMKIT_SINK_CRASH="+p)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.Success() {
		t.Fatalf("child did not die: %v\n%s", err, out)
	}
	if strings.Contains(string(out), "child: renamed") {
		t.Fatalf("child got past the rename:\n%s", out)
	}
	got, _ := os.ReadFile(p)
	if string(got) != old {
		t.Errorf("old file changed:\n%s", got)
	}
	entries, _ := os.ReadDir(dir)
	var tmps []string
	for _, e := range entries {
		if e.Name() != "credentials" {
			tmps = append(tmps, e.Name())
			checkMode(t, filepath.Join(dir, e.Name()), 0o600)
			if !strings.HasPrefix(e.Name(), ".credentials.tmp-") {
				t.Errorf("unexpected file %s", e.Name())
			}
		}
	}
	if len(tmps) != 1 {
		t.Errorf("want the one temporary file of the dead writer, got %v", tmps)
	}
	// The next delivery works and leaves the stale temporary file alone.
	if err := (AWSCredentials{Path: p, Profile: "watcher"}).Deliver(context.Background(), delivery("aws", nil)); err != nil {
		t.Fatal(err)
	}
	got, _ = os.ReadFile(p)
	if !strings.HasPrefix(string(got), old) || !strings.Contains(string(got), testKeyID) {
		t.Errorf("after recovery:\n%s", got)
	}
}

// crashChild runs in the subprocess: it dies the hard way at the hook.
func crashChild() {
	p := os.Getenv("IAMKIT_SINK_CRASH")
	hookBeforeRename = func(string) error {
		self, _ := os.FindProcess(os.Getpid())
		self.Kill() // SIGKILL: no deferred cleanup runs
		select {}
	}
	err := AWSCredentials{Path: p, Profile: "watcher"}.Deliver(context.Background(), delivery("aws", nil))
	fmt.Println("child: renamed", err)
}

// distinctive is a secret no message may show, nor any part of it.
const distinctive = "Zq8-DISTINCTIVE-SECRET-\"it's\" $x `y` #z;w -9kP"

// TestErrorsNeverShowSecrets provokes every error path with a distinctive
// secret, and existing files that hold it, and scans the messages.
func TestErrorsNeverShowSecrets(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	secretKey := func(provider string, settings map[string]string) iam.Delivery {
		d := delivery(provider, settings)
		d.Key.Secret = iam.NewSecret(distinctive)
		return d
	}
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	blocker := write("blocker", "a file where a directory should be")
	link := filepath.Join(dir, "link")
	if err := os.Symlink(write("target", ""), link); err != nil {
		t.Fatal(err)
	}
	osl := map[string]string{iam.SettingAuthURL: "https://k/v3"}
	cases := []struct {
		name string
		sink iam.Sink
		d    iam.Delivery
		kind error
	}{
		{"aws: secret the format cannot carry", AWSCredentials{Path: filepath.Join(dir, "a1")}, secretKey("aws", nil), iam.ErrInvalid},
		{"aws: newline", AWSCredentials{Path: filepath.Join(dir, "a2")}, func() iam.Delivery {
			d := delivery("aws", nil)
			d.Key.Secret = iam.NewSecret("a\n" + distinctive)
			return d
		}(), iam.ErrInvalid},
		{"ovh.conf: secret with #", OVHConf{Path: filepath.Join(dir, "o1")}, secretKey("ovh", nil), iam.ErrInvalid},
		{"dotenv: quote and $", Dotenv{Path: filepath.Join(dir, "e1")}, secretKey("aws", nil), iam.ErrInvalid},
		{"outscale: malformed JSON holding a secret", OutscaleConfig{Path: write("bad.json", `{"default": {"secret_key": "`+distinctive+`" "x"}}`)}, delivery("outscale", nil), iam.ErrInvalid},
		{"outscale: profile not an object", OutscaleConfig{Path: write("bad2.json", `{"default": `+string(jsonString(distinctive))+`}`)}, delivery("outscale", nil), iam.ErrInvalid},
		{"outscale: not an object", OutscaleConfig{Path: write("bad3.json", `[`+string(jsonString(distinctive))+`]`)}, delivery("outscale", nil), iam.ErrInvalid},
		{"clouds: malformed YAML holding a secret", CloudsYAML{Path: write("bad.yaml", "clouds:\n  a:\n    auth: {password: '"+distinctive+"'\n  b: [\n")}, delivery("openstack", osl), iam.ErrInvalid},
		{"clouds: tab-indented YAML", CloudsYAML{Path: write("bad2.yaml", "clouds:\n\tpassword: "+distinctive+"\n")}, delivery("openstack", osl), iam.ErrInvalid},
		{"clouds: two documents", CloudsYAML{Path: write("bad3.yaml", "clouds: {}\n---\npassword: "+distinctive+"\n")}, delivery("openstack", osl), iam.ErrInvalid},
		{"clouds: top level a list", CloudsYAML{Path: write("bad4.yaml", "- "+distinctive+"\n")}, delivery("openstack", osl), iam.ErrInvalid},
		{"clouds: entry a string", CloudsYAML{Path: write("bad5.yaml", "clouds:\n  openstack: "+distinctive+"\n")}, delivery("openstack", osl), iam.ErrInvalid},
		{"ovh.conf: other credentials", OVHConf{Path: write("ovh.conf", "[ovh-eu]\napplication_key=k\napplication_secret="+distinctive+"\n")}, delivery("ovh", nil), iam.ErrConflict},
		{"dotenv: other OVH credentials", Dotenv{Path: write(".env", "OVH_APPLICATION_SECRET='"+distinctive+"'\n")}, delivery("ovh", nil), iam.ErrConflict},
		{"symlink", AWSCredentials{Path: link}, delivery("memory", nil), iam.ErrInvalid},
		{"directory in the way", AWSCredentials{Path: filepath.Join(blocker, "sub", "credentials")}, delivery("aws", nil), nil},
		{"a directory as the file", AWSCredentials{Path: dir}, delivery("aws", nil), iam.ErrInvalid},
	}
	for _, c := range cases {
		before := snapshot(t, pathOf(c.sink))
		err := c.sink.Deliver(ctx, c.d)
		if err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		if c.kind != nil && !errors.Is(err, c.kind) {
			t.Errorf("%s: err = %v, want kind %v", c.name, err, c.kind)
		}
		var ie *iam.Error
		if !errors.As(err, &ie) {
			t.Errorf("%s: %T is not an *iam.Error", c.name, err)
		}
		for _, msg := range []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err)} {
			for _, part := range []string{distinctive, "DISTINCTIVE", "9kP"} {
				if strings.Contains(msg, part) {
					t.Errorf("%s: message shows the secret: %s", c.name, msg)
				}
			}
		}
		if after := snapshot(t, pathOf(c.sink)); after != before {
			t.Errorf("%s: the file changed", c.name)
		}
		t.Logf("%s: %v", c.name, err)
	}
	// The link's target was not written.
	if b, _ := os.ReadFile(filepath.Join(dir, "target")); len(b) != 0 {
		t.Errorf("wrote through the link: %q", b)
	}
}

// snapshot describes a file's content and mode ("" when absent).
func snapshot(t *testing.T, p string) string {
	fi, err := os.Lstat(p)
	if err != nil {
		return ""
	}
	if !fi.Mode().IsRegular() {
		return fi.Mode().String()
	}
	b, _ := os.ReadFile(p)
	return fi.Mode().String() + string(b)
}

func TestOVHConfSection(t *testing.T) {
	ctx := context.Background()
	// The section comes from the [default] endpoint of the file...
	p := filepath.Join(t.TempDir(), "ovh.conf")
	os.WriteFile(p, []byte("[default]\nendpoint=ovh-us\n"), 0o600)
	if err := (OVHConf{Path: p}).Deliver(ctx, ovhKey()); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(p)
	if want := "[default]\nendpoint=ovh-us\n\n[ovh-us]\nclient_id=0f0f0f0f0f0f0f0f\nclient_secret=xxxx\n"; string(got) != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	// ... unless the delivery names the endpoint; [default] stays.
	d := ovhKey()
	d.Settings = map[string]string{iam.SettingEndpoint: "ovh-ca"}
	if err := (OVHConf{Path: p}).Deliver(ctx, d); err != nil {
		t.Fatal(err)
	}
	got, _ = os.ReadFile(p)
	if !strings.HasPrefix(string(got), "[default]\nendpoint=ovh-us\n") || !strings.Contains(string(got), "[ovh-ca]\nclient_id=") {
		t.Errorf("got\n%s", got)
	}
	// A section with an application key is refused, and named.
	os.WriteFile(p, []byte("[default]\nendpoint=ovh-ca\n[ovh-ca]\napplication_key=a\napplication_secret=b\nconsumer_key=c\n"), 0o600)
	err := (OVHConf{Path: p}).Deliver(ctx, ovhKey())
	if !errors.Is(err, iam.ErrConflict) || !strings.Contains(err.Error(), "application_key") {
		t.Errorf("err = %v, want ErrConflict naming application_key", err)
	}
}

// nasty are secrets that must round-trip through a dotenv file.
var nasty = []string{
	"plain",
	"with spaces inside",
	`double"quote`,
	"single'quote",
	"dollar $HOME and $(id) and $",
	"back`tick`",
	"#starts with hash",
	"ends with hash #",
	"semi;colon & amp | pipe > redirect < in",
	`back\slash\n`,
	`mixed ' and " and \`,
	"a=b=c",
	"  outer spaces  ",
	"*glob? [x]",
	"unicode é ü 🔑",
	"!bang",
	"",
}

// TestDotenvRoundTrip writes each nasty secret, then reads it back with a
// POSIX shell ("set -a; . file") and with python-dotenv when installed.
func TestDotenvRoundTrip(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("needs sh")
	}
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	python, _ := exec.LookPath("python3")
	if python != "" && exec.Command(python, "-c", "import dotenv").Run() != nil {
		python = ""
	}
	if python == "" {
		t.Log("python-dotenv not installed: checking with sh only")
	}
	ctx := context.Background()
	vars := []EnvVar{{"X_ID", KeyID}, {"X_SECRET", KeySecret}, {"X_MODE", Literal("a b$c")}}
	for i, secret := range nasty {
		if secret == "" {
			continue // a Delivery without secret is refused
		}
		p := filepath.Join(t.TempDir(), ".env")
		os.WriteFile(p, []byte("# before\nOTHER='kept value'\n"), 0o600)
		d := delivery("custom", nil)
		d.Key.Secret = iam.NewSecret(secret)
		if err := (Dotenv{Path: p, Vars: vars}).Deliver(ctx, d); err != nil {
			t.Errorf("%d %q: %v", i, secret, err)
			continue
		}
		out, err := exec.Command(sh, "-c", `set -a; . "$1"; printf '%s\n%s\n%s\n%s' "$X_ID" "$X_MODE" "$OTHER" "$X_SECRET"`, "sh", p).CombinedOutput()
		if err != nil {
			t.Errorf("%d: sh: %v\n%s", i, err, out)
			continue
		}
		if want := testKeyID + "\na b$c\nkept value\n" + secret; string(out) != want {
			b, _ := os.ReadFile(p)
			t.Errorf("%d: sh read back %q, want %q; file:\n%s", i, out, want, b)
		}
		if python != "" {
			out, err := exec.Command(python, "-c", `import sys, dotenv
v = dotenv.dotenv_values(sys.argv[1])
sys.stdout.write(v["X_ID"] + "\n" + v["X_MODE"] + "\n" + v["OTHER"] + "\n" + v["X_SECRET"])`, p).CombinedOutput()
			if err != nil {
				t.Errorf("%d: python-dotenv: %v\n%s", i, err, out)
			} else if want := testKeyID + "\na b$c\nkept value\n" + secret; string(out) != want {
				b, _ := os.ReadFile(p)
				t.Errorf("%d: python-dotenv read back %q, want %q; file:\n%s", i, out, want, b)
			}
		}
		if ok, err := (Dotenv{Path: p, Vars: vars}).Delivered(ctx, d); !ok || err != nil {
			t.Errorf("%d: Delivered = %v, %v", i, ok, err)
		}
	}
}

func TestDotenvQuote(t *testing.T) {
	for _, c := range []struct{ in, out string }{
		{"eu-west-3", "eu-west-3"},
		{"https://k.example:5000/v3", "https://k.example:5000/v3"},
		{"a b", "'a b'"},
		{"$x", "'$x'"},
		{"it's", `"it's"`},
		{`a\b`, `"a\\b"`},
		{`say "it's"`, `"say \"it's\""`},
	} {
		got, ok := dotenvQuote(c.in)
		if !ok || got != c.out {
			t.Errorf("dotenvQuote(%q) = %q, %v; want %q", c.in, got, ok, c.out)
		}
		if back := dotenvUnquote(got); back != c.in {
			t.Errorf("dotenvUnquote(%q) = %q, want %q", got, back, c.in)
		}
	}
	for _, bad := range []string{"it's $x", "a\\$", "`it's`", "line\nbreak", "nul\x00", "${PATH}"} {
		if _, ok := dotenvQuote(bad); ok {
			t.Errorf("dotenvQuote(%q) accepted", bad)
		}
	}
}

func TestINIValues(t *testing.T) {
	for _, c := range []struct {
		v      string
		strict bool
		ok     bool
	}{
		{testSecret, false, true},
		{"a+b/c=", true, true},
		{"a#b", false, true},
		{"a #b", false, false},
		{"a\t;b", false, false},
		{"a#b", true, false},
		{"a;b", true, false},
		{" a", false, false},
		{"a ", false, false},
		{`"a"`, false, false},
		{"'a", false, false},
		{"a\nb", false, false},
		{"", false, false},
	} {
		if got := iniValueOK(c.v, c.strict); got != c.ok {
			t.Errorf("iniValueOK(%q, %v) = %v", c.v, c.strict, got)
		}
	}
	for _, n := range []string{"a b", "a]", "[a", "a#", "", "x\n"} {
		if iniNameOK(n) {
			t.Errorf("iniNameOK(%q) = true", n)
		}
	}
}

// TestOIDCEntryIsTheGuide compares the written v3oidcclientcredentials
// entry with the OVHcloud guide's clouds.yaml example, token by token
// (the guide's text is flattened; its comment "# or US-WEST-OR-1" is
// left out).
func TestOIDCEntryIsTheGuide(t *testing.T) {
	const guide = `clouds: ovhcloud: auth_type: 'v3oidcclientcredentials' region_name: US-EAST-VA-1 auth: protocol: 'openid' access_token_type: 'id_token'
openid_scope: 'openid profile email publicCloudProject/all'
auth_url: 'https://auth.cloud.ovh.us/v3' identity_provider: 'ovhcloud-emea' discovery_endpoint: 'https://iam.ovh.us/role-adapter/urn:v1:us:resource:publicCloudProject:pci/.well-known/openid-configuration' project_id: '0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f' client_id: '0f0f0f0f0f0f0f0f' client_secret: 'xxxx'`
	p := filepath.Join(t.TempDir(), "clouds.yaml")
	if err := (CloudsYAML{Path: p}).Deliver(context.Background(), ovhKey()); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(p)
	if g, w := strings.Fields(string(got)), strings.Fields(guide); strings.Join(g, " ") != strings.Join(w, " ") {
		t.Errorf("entry differs from the guide:\n%s", got)
	}
}

func TestOutscaleEndpointWithoutScheme(t *testing.T) {
	p := filepath.Join(t.TempDir(), "config.json")
	d := delivery("outscale", map[string]string{iam.SettingEndpoint: "api.eu-west-2.outscale.com/api/v1"})
	if err := (OutscaleConfig{Path: p}).Deliver(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(p)
	if !strings.Contains(string(got), `"api": "api.eu-west-2.outscale.com/api/v1"`) || strings.Contains(string(got), "protocol") {
		t.Errorf("got\n%s", got)
	}
}

func TestEmptyExistingFiles(t *testing.T) {
	ctx := context.Background()
	for _, c := range sinks(t.TempDir()) {
		t.Run(c.name, func(t *testing.T) {
			for _, content := range []string{"", "\n", "   \n\n"} {
				p := filepath.Join(t.TempDir(), "f")
				os.WriteFile(p, []byte(content), 0o600)
				if err := withPath(c.sink, p).Deliver(ctx, c.d); err != nil {
					t.Errorf("%q: %v", content, err)
				}
			}
		})
	}
	// A clouds.yaml with only comments, or "clouds:" and nothing.
	for _, content := range []string{"# nothing yet\n", "clouds:\n", "clouds: # soon\n"} {
		p := filepath.Join(t.TempDir(), "clouds.yaml")
		os.WriteFile(p, []byte(content), 0o600)
		if err := (CloudsYAML{Path: p}).Deliver(ctx, delivery("openstack", map[string]string{iam.SettingAuthURL: "https://k/v3"})); err != nil {
			t.Errorf("%q: %v", content, err)
		}
		got, _ := os.ReadFile(p)
		if !strings.Contains(string(got), "application_credential_id: "+testKeyID) {
			t.Errorf("%q gave\n%s", content, got)
		}
	}
}

func TestDefaultPaths(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "")
	t.Setenv("OSC_CONFIG_FILE", "")
	t.Setenv("OS_CLIENT_CONFIG_FILE", "")
	ctx := context.Background()
	osl := map[string]string{iam.SettingAuthURL: "https://k/v3"}
	if err := (AWSCredentials{}).Deliver(ctx, delivery("aws", nil)); err != nil {
		t.Fatal(err)
	}
	if err := (OutscaleConfig{}).Deliver(ctx, delivery("outscale", nil)); err != nil {
		t.Fatal(err)
	}
	if err := (CloudsYAML{}).Deliver(ctx, delivery("openstack", osl)); err != nil {
		t.Fatal(err)
	}
	if err := (OVHConf{}).Deliver(ctx, delivery("ovh", nil)); err != nil {
		t.Fatal(err)
	}
	if err := (AWSCredentials{Path: "~/elsewhere/credentials"}).Deliver(ctx, delivery("aws", nil)); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{".aws/credentials", ".osc/config.json", ".config/openstack/clouds.yaml", ".ovh.conf", "elsewhere/credentials"} {
		checkMode(t, filepath.Join(home, p), 0o600)
	}
	// The environment variables the tools honour.
	alt := filepath.Join(t.TempDir(), "creds")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", alt)
	if err := (AWSCredentials{}).Deliver(ctx, delivery("aws", nil)); err != nil {
		t.Fatal(err)
	}
	checkMode(t, alt, 0o600)
}

func TestDotenvOVHConflict(t *testing.T) {
	before, err := os.ReadFile(filepath.Join("testdata", "dotenv_ovhconflict.before"))
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), ".env")
	os.WriteFile(p, before, 0o644)
	err = (Dotenv{Path: p}).Deliver(context.Background(), ovhKey())
	if !errors.Is(err, iam.ErrConflict) || !strings.Contains(err.Error(), "OVH_APPLICATION_KEY") {
		t.Errorf("err = %v, want ErrConflict naming OVH_APPLICATION_KEY", err)
	}
	got, _ := os.ReadFile(p)
	if !bytes.Equal(got, before) {
		t.Errorf("file changed:\n%s", got)
	}
	checkMode(t, p, 0o644)
	// With Vars of one's own, the file is the caller's business.
	vars := []EnvVar{{"OVH_CLIENT_ID", KeyID}, {"OVH_CLIENT_SECRET", KeySecret}}
	if err := (Dotenv{Path: p, Vars: vars}).Deliver(context.Background(), ovhKey()); err != nil {
		t.Errorf("custom Vars: %v", err)
	}
}

// TestKindMismatch: a sink refuses a kind of key it has no place for,
// before touching the file, and says which kind.
func TestKindMismatch(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	appCred := delivery("openstack", map[string]string{iam.SettingAuthURL: "https://keystone.example:5000/v3"})
	appCred.Key.Kind = iam.KeyApplicationCredential
	cases := []struct {
		sink iam.Sink
		d    iam.Delivery
		kind iam.KeyKind
	}{
		{CloudsYAML{Path: filepath.Join(dir, "c.yaml")}, ec2Key(), iam.KeyEC2Credential},
		{CloudsYAML{Path: filepath.Join(dir, "c.yaml")}, ovhToken(), iam.KeyPersonalAccessToken},
		{AWSCredentials{Path: filepath.Join(dir, "a")}, appCred, iam.KeyApplicationCredential},
		{AWSCredentials{Path: filepath.Join(dir, "a")}, delivery("openstack", nil), iam.KeyApplicationCredential}, // no Kind: the default
		{OVHConf{Path: filepath.Join(dir, "ovh.conf")}, func() iam.Delivery { d := ovhKey(); d.Key.Kind = iam.KeyEC2Credential; return d }(), iam.KeyEC2Credential},
	}
	for _, c := range cases {
		err := c.sink.Deliver(ctx, c.d)
		if !errors.Is(err, iam.ErrInvalid) || !strings.Contains(err.Error(), string(c.kind)) {
			t.Errorf("%T with a %s key: err = %v, want ErrInvalid naming the kind", c.sink, c.kind, err)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) > 0 {
		t.Errorf("refused deliveries left files: %v", entries)
	}
}

// TestOVHTokenConflicts: go-ovh refuses a section or environment holding
// two kinds of credentials, so a token is not written next to a service
// account's client, nor a client next to a token.
func TestOVHTokenConflicts(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name, file, before string
		sink               func(p string) iam.Sink
		d                  iam.Delivery
		names              string // what the error must name
	}{
		{"token next to client", "ovh.conf", "[ovh-eu]\nclient_id=abc\nclient_secret=def\n",
			func(p string) iam.Sink { return OVHConf{Path: p, Endpoint: "ovh-eu"} }, ovhToken(), "client_id"},
		{"client next to token", "ovh.conf", "[ovh-eu]\naccess_token=abc\n",
			func(p string) iam.Sink { return OVHConf{Path: p, Endpoint: "ovh-eu"} }, ovhKey(), "access_token"},
		{"dotenv token next to client", ".env", "OVH_CLIENT_ID=abc\nOVH_CLIENT_SECRET=def\n",
			func(p string) iam.Sink { return Dotenv{Path: p} }, ovhToken(), "OVH_CLIENT_ID"},
		{"dotenv client next to token", ".env", "OVH_ACCESS_TOKEN=abc\n",
			func(p string) iam.Sink { return Dotenv{Path: p} }, ovhKey(), "OVH_ACCESS_TOKEN"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), c.file)
			if err := os.WriteFile(p, []byte(c.before), 0o600); err != nil {
				t.Fatal(err)
			}
			err := c.sink(p).Deliver(ctx, c.d)
			if !errors.Is(err, iam.ErrConflict) || !strings.Contains(err.Error(), c.names) {
				t.Errorf("err = %v, want ErrConflict naming %s", err, c.names)
			}
			if got, _ := os.ReadFile(p); string(got) != c.before {
				t.Errorf("file changed:\n%s", got)
			}
		})
	}
}
