package ovhfake

import (
	"errors"

	"github.com/ovh/go-ovh/ovh"
)

func asAPIError(err error, e **ovh.APIError) bool {
	return errors.As(err, e)
}
