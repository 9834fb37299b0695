package systemtest

import (
	"os"
	"testing"
)

// TestMain removes the services' binaries once the tests are done.
func TestMain(m *testing.M) {
	code := m.Run()
	RemoveBuilds()
	os.Exit(code)
}
