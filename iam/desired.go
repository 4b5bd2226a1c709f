package iam

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/iamkit/iamkit/policy"
)

// DesiredVersion is the version of the desired-state file format.
const DesiredVersion = "iamkit/1"

// desiredFile is the desired-state file, in YAML or JSON; see the package
// documentation ("Plan and Apply") for the schema.
type desiredFile struct {
	Version  string                   `yaml:"version" json:"version"`
	Policies map[string]desiredPolicy `yaml:"policies" json:"policies"`
	Accounts []desiredAccount         `yaml:"accounts" json:"accounts"`
}

// desiredPolicy is a named policy that accounts share by policy_name.
type desiredPolicy struct {
	Description   string `yaml:"description" json:"description"`
	Document      any    `yaml:"document" json:"document"`
	File          string `yaml:"file" json:"file"`
	AllowWidening bool   `yaml:"allow_widening" json:"allow_widening"`
}

// desiredAccount is one service account of the file.
type desiredAccount struct {
	User          string            `yaml:"user" json:"user"`
	Group         string            `yaml:"group" json:"group"`
	PolicyName    string            `yaml:"policy_name" json:"policy_name"`
	Policy        any               `yaml:"policy" json:"policy"`
	PolicyFile    string            `yaml:"policy_file" json:"policy_file"`
	Description   string            `yaml:"description" json:"description"`
	AllowWidening bool              `yaml:"allow_widening" json:"allow_widening"`
	Settings      map[string]string `yaml:"settings" json:"settings"`
}

// LoadDesired reads a desired-state file (YAML, or JSON when its name ends
// in ".json") and returns its service accounts. Policy files it names are
// read relative to the file's directory.
func LoadDesired(name string) ([]ServiceAccount, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, &Error{Op: "LoadDesired", Resource: name, Kind: kindOfFileError(err), Err: err}
	}
	dir := filepath.Dir(name)
	return ParseDesired(data, os.DirFS(dir), strings.EqualFold(filepath.Ext(name), ".json"))
}

func kindOfFileError(err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return ErrNotFound
	}
	return ErrInvalid
}

// ParseDesired parses a desired-state document, JSON when isJSON is set,
// YAML otherwise. Policy files it names (policy_file, file) are read from
// fsys, which may be nil when the document names none. Every error has
// kind ErrInvalid (ErrNotFound for a missing policy file) and says where
// the problem is.
func ParseDesired(data []byte, fsys fs.FS, isJSON bool) ([]ServiceAccount, error) {
	const op = "ParseDesired"
	var f desiredFile
	if isJSON {
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&f); err != nil {
			return nil, &Error{Op: op, Kind: ErrInvalid, Err: err}
		}
	} else {
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		if err := dec.Decode(&f); err != nil && !errors.Is(err, io.EOF) {
			return nil, &Error{Op: op, Kind: ErrInvalid, Err: err}
		}
	}
	if f.Version != "" && f.Version != DesiredVersion {
		return nil, &Error{Op: op, Kind: ErrInvalid, Msg: fmt.Sprintf("version %q: want %q", f.Version, DesiredVersion)}
	}
	named := map[string]ServiceAccount{}
	for _, name := range sortedKeys(f.Policies) {
		dp := f.Policies[name]
		doc, err := desiredDocument(fsys, dp.Document, dp.File)
		if err != nil {
			return nil, &Error{Op: op, Resource: "policies." + name, Kind: KindOf(err), Err: err}
		}
		named[name] = ServiceAccount{Policy: doc, PolicyName: name, Description: dp.Description,
			Translate: policy.TranslateOptions{AllowWidening: dp.AllowWidening}}
	}
	out := make([]ServiceAccount, 0, len(f.Accounts))
	for i, a := range f.Accounts {
		where := fmt.Sprintf("accounts[%d]", i)
		if a.User != "" {
			where += " (user " + a.User + ")"
		}
		sa := ServiceAccount{User: a.User, Group: a.Group, PolicyName: a.PolicyName, Description: a.Description,
			Translate: policy.TranslateOptions{AllowWidening: a.AllowWidening}, Settings: a.Settings}
		switch {
		case a.Policy != nil || a.PolicyFile != "":
			if _, ok := named[a.PolicyName]; ok {
				return nil, &Error{Op: op, Resource: where, Kind: ErrInvalid,
					Msg: "policy_name " + a.PolicyName + " names a shared policy; give either it or policy/policy_file"}
			}
			doc, err := desiredDocument(fsys, a.Policy, a.PolicyFile)
			if err != nil {
				return nil, &Error{Op: op, Resource: where, Kind: KindOf(err), Err: err}
			}
			sa.Policy = doc
		case a.PolicyName != "":
			np, ok := named[a.PolicyName]
			if !ok {
				return nil, &Error{Op: op, Resource: where, Kind: ErrInvalid, Msg: "policy_name " + a.PolicyName + " is not under policies and no policy is given"}
			}
			sa.Policy, sa.Translate = np.Policy, np.Translate
			if sa.Description == "" {
				sa.Description = np.Description
			}
		default:
			return nil, &Error{Op: op, Resource: where, Kind: ErrInvalid, Msg: "no policy: give policy, policy_file or policy_name"}
		}
		out = append(out, sa)
	}
	return out, nil
}

// desiredDocument reads a portable policy given inline (a decoded YAML or
// JSON value) or by file.
func desiredDocument(fsys fs.FS, inline any, file string) (policy.Document, error) {
	var raw []byte
	switch {
	case inline != nil && file != "":
		return policy.Document{}, &Error{Op: "ParseDesired", Kind: ErrInvalid, Msg: "give the policy inline or by file, not both"}
	case inline != nil:
		b, err := json.Marshal(inline)
		if err != nil {
			return policy.Document{}, &Error{Op: "ParseDesired", Kind: ErrInvalid, Err: err}
		}
		raw = b
	case file != "":
		if fsys == nil {
			return policy.Document{}, &Error{Op: "ParseDesired", Resource: file, Kind: ErrInvalid, Msg: "policy files cannot be read here"}
		}
		// fs.FS names are slash-separated and relative.
		name := path.Clean(filepath.ToSlash(file))
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return policy.Document{}, &Error{Op: "ParseDesired", Resource: file, Kind: kindOfFileError(err), Err: err}
		}
		if !strings.HasSuffix(strings.ToLower(name), ".json") {
			// A YAML policy file: convert it to the JSON the parser reads.
			var v any
			if err := yaml.Unmarshal(b, &v); err != nil {
				return policy.Document{}, &Error{Op: "ParseDesired", Resource: file, Kind: ErrInvalid, Err: err}
			}
			if b, err = json.Marshal(v); err != nil {
				return policy.Document{}, &Error{Op: "ParseDesired", Resource: file, Kind: ErrInvalid, Err: err}
			}
		}
		raw = b
	default:
		return policy.Document{}, &Error{Op: "ParseDesired", Kind: ErrInvalid, Msg: "empty policy"}
	}
	doc, err := policy.Parse(raw)
	if err != nil {
		return policy.Document{}, fmt.Errorf("policy: %w", err)
	}
	return doc, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
