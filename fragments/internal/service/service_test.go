package service

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestProfilesServeCPUProfiles(t *testing.T) {
	srv := httptest.NewServer(Profiles())
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/debug/pprof/profile?seconds=1")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	// A CPU profile is a gzipped protocol buffer.
	if resp.StatusCode != http.StatusOK || len(body) < 2 || body[0] != 0x1f || body[1] != 0x8b {
		t.Errorf("GET profile = %d, %d bytes starting %x; want 200 and a gzipped profile", resp.StatusCode, len(body), body[:min(len(body), 2)])
	}
}
