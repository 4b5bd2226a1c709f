package sink

import (
	"strings"
)

// iniDoc is an INI file kept line by line, so that an edit changes only
// the lines it must and leaves every other byte as it was (comments,
// blank lines, spacing, other sections, CRLF line ends).
//
// The dialect is the common subset of the AWS SDKs', Python configparser's
// and go-ini's: "[name]" headers, "key = value" or "key=value" lines at
// the start of a line, "#" and ";" comment lines, and lines starting with
// a space or a tab continuing the previous key (AWS nested settings,
// configparser multi-line values).
type iniDoc struct {
	lines []string // without "\n"; a "\r" before it stays in the line
	eol   string   // "\n" or "\r\n", for the lines added
}

// kv is one key and its new value.
type kv struct{ key, value string }

func parseINI(b []byte) *iniDoc {
	d := &iniDoc{eol: "\n"}
	s := string(b)
	if s == "" {
		return d
	}
	s = strings.TrimSuffix(s, "\n")
	d.lines = strings.Split(s, "\n")
	if strings.HasSuffix(d.lines[0], "\r") {
		d.eol = "\r\n"
	}
	return d
}

// bytes returns the file, always ending with a line end.
func (d *iniDoc) bytes() []byte {
	if len(d.lines) == 0 {
		return nil
	}
	var b strings.Builder
	for _, l := range d.lines {
		b.WriteString(l)
		b.WriteByte('\n')
	}
	return []byte(b.String())
}

type lineKind int

const (
	lineOther   lineKind = iota // blank, comment, or not understood
	lineSection                 // [name]
	lineKey                     // key = value
	lineCont                    // continuation of the key above
)

// classify tells what a line is; name is the section name of a header
// and the lower-cased key of a key line.
func classify(raw string) (kind lineKind, name string) {
	l := strings.TrimSuffix(raw, "\r")
	t := strings.TrimSpace(l)
	switch {
	case t == "", t[0] == '#', t[0] == ';':
		return lineOther, ""
	case l[0] == ' ' || l[0] == '\t':
		return lineCont, ""
	case t[0] == '[':
		end := strings.IndexByte(t, ']')
		if end < 0 {
			return lineOther, ""
		}
		return lineSection, strings.TrimSpace(t[1:end])
	}
	k, _, ok := strings.Cut(l, "=")
	if !ok {
		return lineOther, ""
	}
	return lineKey, strings.ToLower(strings.TrimSpace(k))
}

// section returns the keys and values of the section name (all its
// occurrences; a later one wins), and whether it exists.
func (d *iniDoc) section(name string) (map[string]string, bool) {
	var (
		in     bool
		found  bool
		values = map[string]string{}
	)
	for _, raw := range d.lines {
		kind, n := classify(raw)
		switch kind {
		case lineSection:
			in = n == name
			found = found || in
		case lineKey:
			if in {
				_, v, _ := strings.Cut(strings.TrimSuffix(raw, "\r"), "=")
				values[n] = strings.TrimSpace(v)
			}
		}
	}
	return values, found
}

// set writes pairs into section name and deletes the keys in remove:
//   - in the section's first occurrence, an existing key line keeps its
//     key and spacing and gets the new value; a missing key is added after
//     the section's last setting;
//   - in any later occurrence of the section, the keys in pairs and
//     remove are deleted (they would override the first);
//   - a deleted or replaced key loses its continuation lines;
//   - a missing section is appended at the end, after a blank line.
//
// sep is the separator of added lines: " = " or "=".
func (d *iniDoc) set(name string, pairs []kv, remove []string, sep string) {
	newValue := map[string]string{}
	for _, p := range pairs {
		newValue[p.key] = p.value
	}
	drop := map[string]bool{}
	for _, k := range remove {
		drop[k] = true
	}

	var (
		out       []string
		cur       string
		curIsSec  bool // cur names a section (not the part before any header)
		seen      bool // the first occurrence of name was met
		inFirst   bool // inside that first occurrence
		insertAt  = -1 // index in out after the first occurrence's last setting
		skipConts bool // dropping the continuation lines of a removed key
		done      = map[string]bool{}
	)
	for _, raw := range d.lines {
		kind, n := classify(raw)
		if kind == lineCont && skipConts {
			continue
		}
		skipConts = false
		if kind == lineSection {
			cur, curIsSec = n, true
			inFirst = false
			out = append(out, raw)
			if n == name && !seen {
				seen, inFirst = true, true
				insertAt = len(out)
			}
			continue
		}
		inTarget := curIsSec && cur == name
		if inTarget && kind == lineKey {
			if v, ok := newValue[n]; ok {
				skipConts = true
				if inFirst && !done[n] {
					done[n] = true
					out = append(out, replaceValue(raw, v))
					insertAt = len(out)
				}
				continue
			}
			if drop[n] {
				skipConts = true
				continue
			}
		}
		out = append(out, raw)
		if inFirst && (kind == lineKey || kind == lineCont) {
			insertAt = len(out)
		}
	}

	cr := strings.TrimSuffix(d.eol, "\n") // "" or "\r"
	var add []string
	for _, p := range pairs {
		if !done[p.key] {
			add = append(add, p.key+sep+p.value+cr)
		}
	}
	if !seen {
		if len(out) > 0 && strings.TrimSpace(out[len(out)-1]) != "" {
			out = append(out, cr)
		}
		out = append(out, "["+name+"]"+cr)
		out = append(out, add...)
	} else if len(add) > 0 {
		out = append(out[:insertAt], append(add, out[insertAt:]...)...)
	}
	d.lines = out
}

// replaceValue keeps a key line's key, "=" and the spaces after it, and
// puts v in place of the rest (an old value and any comment after it).
func replaceValue(raw, v string) string {
	cr := ""
	if strings.HasSuffix(raw, "\r") {
		cr = "\r"
		raw = raw[:len(raw)-1]
	}
	i := strings.IndexByte(raw, '=') + 1
	for i < len(raw) && (raw[i] == ' ' || raw[i] == '\t') {
		i++
	}
	return raw[:i] + v + cr
}

// iniValueOK reports whether v reads back unchanged from an INI line
// "key = v" in the readers of the format. Every reader trims spaces and
// none has an escape, so v must not start or end with a space, must not
// hold a control character nor start with a quote (the AWS SDKs strip a
// pair of quotes; go-ini parses quoted values). The AWS SDKs end a value
// at " #" or " ;"; go-ini (go-ovh) at any "#" or ";" (strict).
func iniValueOK(v string, strict bool) bool {
	if v == "" || hasControl(v) || strings.TrimSpace(v) != v {
		return false
	}
	switch v[0] {
	case '"', '\'', '`':
		return false
	}
	if strict {
		return !strings.ContainsAny(v, "#;")
	}
	for _, c := range []string{" #", " ;", "\t#", "\t;"} {
		if strings.Contains(v, c) {
			return false
		}
	}
	return true
}

// iniNameOK reports whether a section name can be written as "[name]" and
// read back: no spaces (the AWS SDKs read "[a b]" as name b of type a),
// brackets, comment characters or control characters, nor outer Unicode
// spaces (readers trim them from the name).
func iniNameOK(name string) bool {
	return name != "" && !hasControl(name) && !strings.ContainsAny(name, " \t[]#;") && strings.TrimSpace(name) == name
}
