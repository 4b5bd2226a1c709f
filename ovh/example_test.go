package ovh_test

import (
	"fmt"

	"github.com/iamkit/iamkit/ovh"
	"github.com/iamkit/iamkit/policy"
)

// The OVHcloud guide's monitoring policy: the portable preset translates
// exactly to the infrastructureSupervisor role on the project; the
// provider fills in name, description and identities.
func ExampleTranslator() {
	tr, err := ovh.Translator{Region: "eu"}.Translate(policy.OVHInfrastructureSupervisor("0f0f0f0f"), policy.TranslateOptions{})
	if err != nil {
		panic(err)
	}
	fmt.Println(string(tr.Native))
	fmt.Println(tr.Report)
	// Output:
	// {"name":"","identities":[],"resources":[{"urn":"urn:v1:eu:resource:publicCloudProject:0f0f0f0f"}],"permissions":{"allow":[{"action":"publicCloudProject:openstack:infrastructureSupervisor"}]}}
	// exact
}

// Reading compute alone has no exact OVHcloud role: the translation is
// refused unless widening is accepted, and then the report says what more
// is granted.
func ExampleTranslator_widening() {
	doc := policy.Build(policy.Allowing("compute:List", "compute:Read").On("project/0f0f0f0f"))
	_, err := ovh.Translator{}.Translate(doc, policy.TranslateOptions{})
	fmt.Println(err != nil)
	tr, _ := ovh.Translator{}.Translate(doc, policy.TranslateOptions{AllowWidening: true})
	fmt.Println(tr.Report.Fidelity())
	// Output:
	// true
	// widened
}
