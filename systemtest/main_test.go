package systemtest

import (
	"os"
	"testing"
)

// TestMain removes the services' binaries once the tests are done: each
// test binary builds them into a temporary folder of its own (a quarter of
// a gigabyte), and left behind, every run would keep its copy.
func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}
