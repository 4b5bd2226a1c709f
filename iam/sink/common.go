package sink

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/iamkit/iamkit/iam"
)

// target is what every sink works out before touching a file.
type target struct {
	sink     string // "AWSCredentials.Deliver": the Op of errors
	provider string // Delivery.Provider
	path     string // the file, "~" expanded
}

// fail returns the *iam.Error a sink returns: Op "<Sink>.Deliver", the
// delivery's provider, the file as the resource. Messages never hold a
// secret: callers pass names and paths only, and causes are OS errors
// (which carry a path) or errors built here.
func (t target) fail(kind error, msg string, cause error) error {
	return iam.NewError(t.provider, t.sink, t.path, kind, msg, cause)
}

// ioFail wraps an OS error. Permission problems are ErrDenied; other I/O
// errors (disk full, read-only file system) carry no kind.
func (t target) ioFail(msg string, err error) error {
	var kind error
	if errors.Is(err, fs.ErrPermission) {
		kind = iam.ErrDenied
	}
	return t.fail(kind, msg, err)
}

// accepts says which keys a sink can hold.
type accepts struct {
	providers []string      // the providers it serves
	kinds     []iam.KeyKind // the kinds of keys; nil: any
}

// begin checks the delivery and resolves the file: a Delivery without a
// key, key ID or secret, from a provider the sink does not serve, or of a
// kind of key it cannot hold, is ErrInvalid. path is the sink's Path
// field; def computes the default.
func begin(ctx context.Context, sinkName string, d iam.Delivery, a accepts, path string, def func() (string, error)) (target, error) {
	return start(ctx, sinkName, d, a, path, def, true)
}

// beginCheck is begin for DeliveryVerifier.Delivered, whose Delivery has
// a key ID but no secret.
func beginCheck(ctx context.Context, sinkName string, d iam.Delivery, a accepts, path string, def func() (string, error)) (target, error) {
	return start(ctx, sinkName, d, a, path, def, false)
}

func start(ctx context.Context, sinkName string, d iam.Delivery, a accepts, path string, def func() (string, error), needSecret bool) (target, error) {
	t := target{sink: sinkName, provider: d.Provider, path: path}
	if needSecret {
		t.sink += ".Deliver"
	} else {
		t.sink += ".Delivered"
	}
	if err := ctx.Err(); err != nil {
		return t, t.fail(nil, "", err)
	}
	switch {
	case d.Key == nil:
		return t, t.fail(iam.ErrInvalid, "the delivery has no key", nil)
	case d.Key.ID == "":
		return t, t.fail(iam.ErrInvalid, "the delivered key has no ID", nil)
	case needSecret && d.Key.Secret.Reveal() == "":
		return t, t.fail(iam.ErrInvalid, "the delivered key has no secret (a cloud shows it only in the answer that creates the key)", nil)
	}
	if !slices.Contains(a.providers, d.Provider) {
		return t, t.fail(iam.ErrInvalid, fmt.Sprintf("%s cannot hold a key of provider %q; it serves %s", sinkName, d.Provider, strings.Join(quoteAll(a.providers), ", ")), nil)
	}
	if kind := d.Key.KindOrDefault(d.Provider); a.kinds != nil && kind != "" && !slices.Contains(a.kinds, kind) {
		var ks []string
		for _, k := range a.kinds {
			ks = append(ks, string(k))
		}
		return t, t.fail(iam.ErrInvalid, fmt.Sprintf("%s cannot hold a key of kind %q; it holds %s", sinkName, kind, strings.Join(quoteAll(ks), ", ")), nil)
	}
	if t.path == "" {
		p, err := def()
		if err != nil {
			return t, t.fail(iam.ErrInvalid, "no Path given and no default", err)
		}
		t.path = p
	} else if strings.HasPrefix(t.path, "~"+string(filepath.Separator)) || strings.HasPrefix(t.path, "~/") {
		home, err := os.UserHomeDir()
		if err != nil {
			return t, t.fail(iam.ErrInvalid, "cannot expand ~ in Path", err)
		}
		t.path = filepath.Join(home, t.path[2:])
	}
	return t, nil
}

func quoteAll(s []string) []string {
	q := make([]string, len(s))
	for i, v := range s {
		q[i] = fmt.Sprintf("%q", v)
	}
	return q
}

// homePath returns the value of the environment variable env when set,
// else ~/rel: the file the tool itself reads.
func homePath(env string, rel ...string) func() (string, error) {
	return func() (string, error) {
		if env != "" {
			if p := os.Getenv(env); p != "" {
				return p, nil
			}
		}
		home, err := os.UserHomeDir()
		if err != nil {
			return "", err
		}
		return filepath.Join(append([]string{home}, rel...)...), nil
	}
}

// read returns the current content of the file, or exists == false when
// there is none. It refuses a symbolic link and anything but a regular
// file (see the package documentation).
func (t target) read() (content []byte, exists bool, err error) {
	fi, err := os.Lstat(t.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, t.ioFail("cannot inspect the file", err)
	}
	if fi.Mode()&fs.ModeSymlink != 0 {
		return nil, false, t.fail(iam.ErrInvalid, "the file is a symbolic link: iamkit does not write credentials through links; set Path to the link's target", nil)
	}
	if !fi.Mode().IsRegular() {
		return nil, false, t.fail(iam.ErrInvalid, "not a regular file", nil)
	}
	b, err := os.ReadFile(t.path)
	if err != nil {
		return nil, false, t.ioFail("cannot read the file", err)
	}
	return b, true, nil
}

// write replaces the file atomically (see writeFileAtomic).
func (t target) write(ctx context.Context, content []byte) error {
	if err := ctx.Err(); err != nil {
		return t.fail(nil, "", err)
	}
	if err := writeFileAtomic(t.path, content); err != nil {
		return t.ioFail("cannot write the file", err)
	}
	return nil
}

// hasControl reports whether s holds a control character (newline, NUL…).
func hasControl(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f })
}
