package wildcard

import "testing"

func TestMatch(t *testing.T) {
	tests := []struct {
		pattern, s string
		fold, want bool
	}{
		{"*", "", false, true},
		{"*", "anything", false, true},
		{"", "", false, true},
		{"", "a", false, false},
		{"a", "", false, false},
		{"ec2:Describe*", "ec2:DescribeInstances", false, true},
		{"ec2:Describe*", "ec2:describeinstances", false, false},
		{"ec2:Describe*", "EC2:describeinstances", true, true},
		{"ec2:Describe*", "ec2:RunInstances", true, false},
		{"a?c", "abc", false, true},
		{"a?c", "ac", false, false},
		{"a?c", "aéc", false, true},
		{"*a*b*c*", "xxaxxbxxcxx", false, true},
		{"*a*b*c*", "xxaxxcxxbxx", false, false},
		{"arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/key/deep", false, true},
		{"arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket", false, false},
		{"a*", "a", false, true},
		{"*?", "", false, false},
		{"**", "x", false, true},
		{"a*b", "ab", false, true},
		{"a*b", "abab", false, true},
		{"a*b", "abac", false, false},
		{"?", "é", false, true},
	}
	for _, tt := range tests {
		if got := Match(tt.pattern, tt.s, tt.fold); got != tt.want {
			t.Errorf("Match(%q, %q, %v) = %v, want %v", tt.pattern, tt.s, tt.fold, got, tt.want)
		}
	}
}

func TestHasWildcard(t *testing.T) {
	for s, want := range map[string]bool{"": false, "a": false, "a*": true, "?": true} {
		if got := HasWildcard(s); got != want {
			t.Errorf("HasWildcard(%q) = %v", s, got)
		}
	}
}

func FuzzMatch(f *testing.F) {
	f.Add("a*b?c", "axxbyc")
	f.Add("*", "")
	f.Fuzz(func(t *testing.T, p, s string) {
		if Match(p, s, false) && !Match(p, s, true) {
			t.Fatalf("fold narrowed a match: %q %q", p, s)
		}
		if !HasWildcard(p) && Match(p, s, false) != (p == s) {
			t.Fatalf("literal pattern %q vs %q", p, s)
		}
		if Match(p, s, false) != Match(p+"*", s, false) && Match(p, s, false) {
			t.Fatalf("appending * lost a match")
		}
	})
}

func BenchmarkMatch(b *testing.B) {
	for b.Loop() {
		Match("ec2:Describe*", "ec2:DescribeInstances", true)
	}
}
