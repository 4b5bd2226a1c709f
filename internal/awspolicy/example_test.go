package awspolicy_test

import (
	"fmt"

	"github.com/iamkit/iamkit/internal/awspolicy"
)

func Example() {
	// The Outscale guide's monitoring policy, as json.dumps writes it.
	doc, err := awspolicy.Parse([]byte(`{"Statement": [{"Effect": "Allow", "Action": ["api:Read*"], "Resource": ["*"]}]}`), awspolicy.EIM)
	if err != nil {
		panic(err)
	}
	for _, action := range []string{"api:ReadVms", "api:DeleteVm"} {
		d := awspolicy.Evaluate(awspolicy.Request{Action: action, Resource: "*"}, doc)
		fmt.Println(action, d.Allowed)
	}
	out, _ := awspolicy.Marshal(doc, awspolicy.EIM)
	fmt.Println(string(out), awspolicy.NonWhitespaceLen(out))

	_, err = awspolicy.Parse([]byte(`{"Statement":[{"Effect":"Deny","Effect":"Allow","Action":"*","Resource":"*"}]}`), awspolicy.AWS)
	fmt.Println(err)
	// Output:
	// api:ReadVms true
	// api:DeleteVm false
	// {"Statement":[{"Effect":"Allow","Action":["api:Read*"],"Resource":["*"]}]} 74
	// native policy: statement 0: Effect: duplicate key "Effect"
}
