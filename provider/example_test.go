package provider_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/provider"
)

func ExampleOpen() {
	ctx := context.Background()
	p, err := provider.Open(ctx, "memory://?max_keys=1")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(p.Name(), p.Capabilities().MaxKeysPerUser)

	_, err = provider.Open(ctx, "azure://")
	fmt.Println(errors.Is(err, iam.ErrInvalid))
	fmt.Println(err)
	// Output:
	// memory 1
	// true
	// Open azure://: invalid: unknown provider scheme "azure"; registered: memory (did you import the adapter?)
}
