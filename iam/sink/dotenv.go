package sink

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/iamkit/iamkit/iam"
)

// Source says what a dotenv variable holds.
type Source string

// The sources of a dotenv variable; see also FromSetting and Literal.
const (
	// KeyID is the key's ID (access key ID, client ID, application
	// credential ID).
	KeyID Source = "key:id"
	// KeySecret is the key's secret.
	KeySecret Source = "key:secret"
	// Unset removes the variable from the file: for a variable that
	// would pair with the wrong key, such as AWS_SESSION_TOKEN.
	Unset Source = "unset"
)

// FromSetting is the Delivery.Settings value of that name (one of the
// iam.Setting… names). A variable whose setting is absent is left as the
// file has it.
func FromSetting(name string) Source { return Source("setting:" + name) }

// Literal is a fixed value, such as OS_AUTH_TYPE's.
func Literal(value string) Source { return Source("literal:" + value) }

// EnvVar is one variable a Dotenv writes.
type EnvVar struct {
	// Name is the variable's name: letters, digits and "_", not starting
	// with a digit.
	Name string
	// From says what the variable holds.
	From Source
}

// DotenvPreset returns the variables Dotenv writes for a provider's key of
// the given kind ("" for the provider's default, see iam.DefaultKeyKind),
// in file order (nil for a provider or kind it does not know):
//
//	aws:       AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION,
//	           AWS_ENDPOINT_URL; removes AWS_SESSION_TOKEN
//	outscale:  OSC_ACCESS_KEY, OSC_SECRET_KEY, OSC_REGION, OSC_ENDPOINT_API
//	openstack: OS_AUTH_TYPE=v3applicationcredential, OS_AUTH_URL,
//	           OS_APPLICATION_CREDENTIAL_ID, OS_APPLICATION_CREDENTIAL_SECRET,
//	           OS_REGION_NAME
//	openstack, iam.KeyEC2Credential (for EC2- and S3-compatible clients):
//	           AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY; removes
//	           AWS_SESSION_TOKEN
//	ovh:       OVH_ENDPOINT, OVH_CLIENT_ID, OVH_CLIENT_SECRET
//	ovh, iam.KeyPersonalAccessToken (a local user's token):
//	           OVH_ENDPOINT, OVH_ACCESS_TOKEN
//	memory:    IAMKIT_ACCESS_KEY_ID, IAMKIT_SECRET_ACCESS_KEY
//
// The region and endpoint variables come from Delivery.Settings and are
// written only when set there.
func DotenvPreset(provider string, kind iam.KeyKind) []EnvVar {
	if kind == "" {
		kind = iam.DefaultKeyKind(provider)
	}
	switch {
	case provider == "openstack" && kind == iam.KeyEC2Credential:
		return []EnvVar{
			{"AWS_ACCESS_KEY_ID", KeyID},
			{"AWS_SECRET_ACCESS_KEY", KeySecret},
			{"AWS_SESSION_TOKEN", Unset},
		}
	case provider == "ovh" && kind == iam.KeyPersonalAccessToken:
		return []EnvVar{
			{"OVH_ENDPOINT", FromSetting(iam.SettingEndpoint)},
			{"OVH_ACCESS_TOKEN", KeySecret},
		}
	case kind != iam.DefaultKeyKind(provider):
		return nil
	}
	switch provider {
	case "aws":
		return []EnvVar{
			{"AWS_ACCESS_KEY_ID", KeyID},
			{"AWS_SECRET_ACCESS_KEY", KeySecret},
			{"AWS_SESSION_TOKEN", Unset},
			{"AWS_REGION", FromSetting(iam.SettingRegion)},
			{"AWS_ENDPOINT_URL", FromSetting(iam.SettingEndpoint)},
		}
	case "outscale":
		return []EnvVar{
			{"OSC_ACCESS_KEY", KeyID},
			{"OSC_SECRET_KEY", KeySecret},
			{"OSC_REGION", FromSetting(iam.SettingRegion)},
			{"OSC_ENDPOINT_API", FromSetting(iam.SettingEndpoint)},
		}
	case "openstack":
		return []EnvVar{
			{"OS_AUTH_TYPE", Literal(AuthApplicationCredential)},
			{"OS_AUTH_URL", FromSetting(iam.SettingAuthURL)},
			{"OS_APPLICATION_CREDENTIAL_ID", KeyID},
			{"OS_APPLICATION_CREDENTIAL_SECRET", KeySecret},
			{"OS_REGION_NAME", FromSetting(iam.SettingRegion)},
		}
	case "ovh":
		return []EnvVar{
			{"OVH_ENDPOINT", FromSetting(iam.SettingEndpoint)},
			{"OVH_CLIENT_ID", KeyID},
			{"OVH_CLIENT_SECRET", KeySecret},
		}
	case "memory":
		return []EnvVar{
			{"IAMKIT_ACCESS_KEY_ID", KeyID},
			{"IAMKIT_SECRET_ACCESS_KEY", KeySecret},
		}
	}
	return nil
}

// dotenvConflicts returns the variables that, next to a preset's, make
// the tool fail: go-ovh refuses two kinds of credentials.
func dotenvConflicts(provider string, kind iam.KeyKind) []string {
	if provider != "ovh" {
		return nil
	}
	if kind == iam.KeyPersonalAccessToken {
		return []string{"OVH_APPLICATION_KEY", "OVH_APPLICATION_SECRET", "OVH_CONSUMER_KEY", "OVH_CLIENT_ID", "OVH_CLIENT_SECRET"}
	}
	return []string{"OVH_APPLICATION_KEY", "OVH_APPLICATION_SECRET", "OVH_CONSUMER_KEY", "OVH_ACCESS_TOKEN"}
}

// dotenvAccepts are the keys Dotenv's presets hold.
var dotenvAccepts = accepts{
	[]string{"aws", "outscale", "openstack", "ovh", "memory"},
	[]iam.KeyKind{iam.KeyAccessKey, iam.KeyApplicationCredential, iam.KeyEC2Credential, iam.KeyOAuth2Client, iam.KeyPersonalAccessToken},
}

// accepts returns the keys s holds: those of d's provider with Vars of
// its own, else those the presets hold.
func (s Dotenv) accepts(d iam.Delivery) accepts {
	if s.Vars != nil {
		return accepts{providers: []string{d.Provider}}
	}
	return dotenvAccepts
}

// vars returns the variables s writes for d (whose key begin checked):
// Vars, else the preset of d's provider and kind.
func (s Dotenv) vars(d iam.Delivery) []EnvVar {
	if s.Vars != nil {
		return s.Vars
	}
	return DotenvPreset(d.Provider, d.Key.KindOrDefault(d.Provider))
}

// Dotenv writes the key as KEY=value lines of a dotenv file, the file
// docker compose, systemd's EnvironmentFile (for values without quotes
// inside), python-dotenv, godotenv and a POSIX shell ("set -a; . file")
// read.
//
// Each variable's first assignment (with or without "export ") gets the
// new value in place; later assignments of it are removed; a missing one
// is appended. Other lines stay byte for byte.
//
// Values are written bare when they hold only [A-Za-z0-9_./:@%+,=-];
// otherwise in single quotes, which the readers take literally (but see
// "${" below); a value
// holding a single quote or a backslash goes in double quotes with "\"
// and "\\" escaped. Some values have no spelling that all readers agree
// on: one holding a quote or backslash and also "$" or "`", one holding
// "${" (python-dotenv expands it even in single quotes, with no escape),
// one holding a control character. Deliver refuses them (ErrInvalid)
// rather than write something a reader would misread; so too a file in
// which a quoted value never closes (the readers would take the lines
// written after it as part of that value).
type Dotenv struct {
	// Path is the file; required (no default: a dotenv file belongs to
	// one tool's directory).
	Path string
	// Vars are the variables to write. Default: DotenvPreset of the
	// delivery's provider and key kind. With the ovh presets, a file that
	// already sets the variables of another kind of OVHcloud credentials
	// (OVH_APPLICATION_KEY, OVH_APPLICATION_SECRET, OVH_CONSUMER_KEY, and
	// OVH_ACCESS_TOKEN or OVH_CLIENT_ID and OVH_CLIENT_SECRET) is not
	// touched (ErrConflict): go-ovh refuses two kinds of credentials.
	Vars []EnvVar
}

var (
	_ iam.Sink             = Dotenv{}
	_ iam.DeliveryVerifier = Dotenv{}
)

var envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// Deliver writes d's key into the file, atomically, mode 0600.
func (s Dotenv) Deliver(ctx context.Context, d iam.Delivery) error {
	t, err := begin(ctx, "Dotenv", d, s.accepts(d), s.Path, func() (string, error) {
		return "", fmt.Errorf("Dotenv.Path is required")
	})
	if err != nil {
		return err
	}
	vars := s.vars(d)
	if len(vars) == 0 {
		return t.fail(iam.ErrInvalid, fmt.Sprintf("no preset for a key of kind %q of provider %q: set Vars", d.Key.KindOrDefault(d.Provider), d.Provider), nil)
	}

	type assign struct {
		name  string
		value string
		unset bool
	}
	var set []assign
	for _, v := range vars {
		if !envName.MatchString(v.Name) {
			return t.fail(iam.ErrInvalid, fmt.Sprintf("%q is not a variable name", v.Name), nil)
		}
		var value string
		switch src := string(v.From); {
		case v.From == KeyID:
			value = d.Key.ID
		case v.From == KeySecret:
			value = d.Key.Secret.Reveal()
		case v.From == Unset:
			set = append(set, assign{name: v.Name, unset: true})
			continue
		case strings.HasPrefix(src, "setting:"):
			value = d.Settings[strings.TrimPrefix(src, "setting:")]
			if value == "" {
				continue
			}
		case strings.HasPrefix(src, "literal:"):
			value = strings.TrimPrefix(src, "literal:")
		default:
			return t.fail(iam.ErrInvalid, fmt.Sprintf("variable %s has an unknown source %q", v.Name, v.From), nil)
		}
		q, ok := dotenvQuote(value)
		if !ok {
			what := "the value of " + v.Name
			if v.From == KeySecret {
				what = "the secret"
			}
			return t.fail(iam.ErrInvalid, what+" cannot be written so that every dotenv reader and sh read it back unchanged (a quote or backslash together with $ or `, ${, or a control character)", nil)
		}
		set = append(set, assign{name: v.Name, value: q})
	}

	old, _, err := t.read()
	if err != nil {
		return err
	}
	lines := parseINI(old) // only for its line splitting and line ends
	assigns := map[int]dotenvAssignment{}
	for _, a := range dotenvAssignments(lines.lines) {
		if a.unclosed {
			// The readers would take every line after it, those written
			// here included (the secret too), as its value.
			return t.fail(iam.ErrInvalid, fmt.Sprintf("line %d opens a quote that never closes; the file was left untouched", a.start+1), nil)
		}
		assigns[a.start] = a
	}
	if s.Vars == nil {
		var found []string
		for _, a := range assigns {
			if slices.Contains(dotenvConflicts(d.Provider, d.Key.KindOrDefault(d.Provider)), a.name) && !slices.Contains(found, a.name) {
				found = append(found, a.name)
			}
		}
		if len(found) > 0 {
			slices.Sort(found)
			return t.fail(iam.ErrConflict, "the file already sets "+strings.Join(found, ", ")+": go-ovh refuses two kinds of credentials; deliver to another file or remove them", nil)
		}
	}

	cr := strings.TrimSuffix(lines.eol, "\n")
	want := map[string]assign{}
	for _, a := range set {
		want[a.name] = a
	}
	done := map[string]bool{}
	var out []string
	for i := 0; i < len(lines.lines); {
		a, ok := assigns[i]
		if !ok {
			out = append(out, lines.lines[i])
			i++
			continue
		}
		w, mine := want[a.name]
		switch {
		case !mine:
			out = append(out, lines.lines[i:a.end]...)
		case w.unset || done[a.name]:
			// dropped
		default:
			done[a.name] = true
			out = append(out, a.prefix+w.value+cr)
		}
		i = a.end
	}
	var add []string
	for _, a := range set {
		if !a.unset && !done[a.name] {
			add = append(add, a.name+"="+a.value+cr)
			done[a.name] = true
		}
	}
	out = append(out, add...)
	lines.lines = out
	return t.write(ctx, lines.bytes())
}

// dotenvAssignment is a "NAME=value" assignment spanning lines [start, end).
type dotenvAssignment struct {
	start  int
	name   string
	prefix string // up to and including "=" (keeps "export " and spacing)
	end    int
	// unclosed: the value opens a quote that no later line closes (the
	// assignment is then taken to end with its line).
	unclosed bool
}

var envAssign = regexp.MustCompile(`^(\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*)`)

// dotenvAssignments finds the assignments among lines, in file order. A
// quoted value that does not close on its line continues on the next ones
// (python-dotenv and godotenv allow multi-line quoted values).
func dotenvAssignments(lines []string) []dotenvAssignment {
	var m []dotenvAssignment
	for i := 0; i < len(lines); i++ {
		l := strings.TrimSuffix(lines[i], "\r")
		sub := envAssign.FindStringSubmatch(l)
		if sub == nil {
			continue
		}
		a := dotenvAssignment{start: i, name: sub[2], prefix: sub[1], end: i + 1}
		rest := l[len(sub[1]):]
		if rest != "" && (rest[0] == '\'' || rest[0] == '"') {
			q := rest[0]
			text := rest[1:]
			j := i
			for !closesQuote(text, q) && j+1 < len(lines) {
				j++
				text += "\n" + strings.TrimSuffix(lines[j], "\r")
			}
			if closesQuote(text, q) {
				a.end = j + 1
			} else {
				a.unclosed = true
			}
		}
		m = append(m, a)
		i = a.end - 1
	}
	return m
}

// closesQuote reports whether text (what follows an opening quote q)
// holds the closing quote; in double quotes a backslash escapes.
func closesQuote(text string, q byte) bool {
	for i := 0; i < len(text); i++ {
		switch {
		case text[i] == '\\' && q == '"':
			i++
		case text[i] == q:
			return true
		}
	}
	return false
}

var bareValue = regexp.MustCompile(`^[A-Za-z0-9_./:@%+,=-]+$`)

// dotenvQuote spells v so that sh and the dotenv readers read v back; ok
// is false when no spelling does.
func dotenvQuote(v string) (string, bool) {
	switch {
	case hasControl(v), strings.Contains(v, "${"):
		return "", false
	case bareValue.MatchString(v):
		return v, true
	case !strings.ContainsAny(v, `'\`):
		return "'" + v + "'", true
	case !strings.ContainsAny(v, "$`"):
		r := strings.NewReplacer(`\`, `\\`, `"`, `\"`)
		return `"` + r.Replace(v) + `"`, true
	}
	return "", false
}

// Delivered reports whether the file sets the variable that holds the key
// ID (From KeyID) to d's key ID (see iam.DeliveryVerifier). A missing file
// is false.
func (s Dotenv) Delivered(ctx context.Context, d iam.Delivery) (bool, error) {
	t, err := beginCheck(ctx, "Dotenv", d, s.accepts(d), s.Path, func() (string, error) {
		return "", fmt.Errorf("Dotenv.Path is required")
	})
	if err != nil {
		return false, err
	}
	vars := s.vars(d)
	if len(vars) == 0 {
		return false, t.fail(iam.ErrInvalid, fmt.Sprintf("no preset for a key of kind %q of provider %q: set Vars", d.Key.KindOrDefault(d.Provider), d.Provider), nil)
	}
	var idVars []string
	for _, v := range vars {
		if v.From == KeyID {
			idVars = append(idVars, v.Name)
		}
	}
	if len(idVars) == 0 && s.Vars == nil {
		return false, t.fail(iam.ErrUnsupported, "the file holds this kind of key without its ID", nil)
	}
	if len(idVars) == 0 {
		return false, t.fail(iam.ErrInvalid, "no variable holds the key ID (From KeyID)", nil)
	}
	b, _, err := t.read()
	if err != nil {
		return false, err
	}
	doc := parseINI(b)
	// The last assignment wins, as in sh and the dotenv readers.
	values := map[string]string{}
	for _, a := range dotenvAssignments(doc.lines) {
		text := strings.TrimSuffix(doc.lines[a.start], "\r")
		values[a.name] = dotenvUnquote(text[len(a.prefix):])
	}
	for _, n := range idVars {
		if values[n] != d.Key.ID {
			return false, nil
		}
	}
	return true, nil
}

// dotenvUnquote reads back a value as dotenvQuote spells it (and simple
// hand-written ones): bare, in single quotes, or in double quotes with
// backslash escapes; a bare value ends at " #".
func dotenvUnquote(v string) string {
	switch {
	case strings.HasPrefix(v, "'"):
		if end := strings.IndexByte(v[1:], '\''); end >= 0 {
			return v[1 : 1+end]
		}
	case strings.HasPrefix(v, `"`):
		var b strings.Builder
		for i := 1; i < len(v); i++ {
			switch c := v[i]; {
			case c == '\\' && i+1 < len(v):
				i++
				b.WriteByte(v[i])
			case c == '"':
				return b.String()
			default:
				b.WriteByte(c)
			}
		}
	}
	if i := strings.Index(v, " #"); i >= 0 {
		v = v[:i]
	}
	return strings.TrimSpace(v)
}
