package systemtest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"testing"
	"time"
)

// Client is an API client with its own cookie jar, talking to one base URL
// (the shell, or a service directly).
type Client struct {
	Base  string
	Token string
	HTTP  *http.Client
}

// NewClient returns a client of base with an empty cookie jar.
func NewClient(base string) *Client {
	jar, _ := cookiejar.New(nil)
	return &Client{Base: base, HTTP: &http.Client{Jar: jar, Timeout: 15 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// Do sends a request with an optional JSON body and returns the status and body.
func (c *Client) Do(tb testing.TB, method, path string, body any, header ...string) (int, []byte, http.Header) {
	tb.Helper()
	var r io.Reader
	if body != nil {
		if raw, ok := body.(string); ok {
			r = bytes.NewBufferString(raw)
		} else {
			data, err := json.Marshal(body)
			if err != nil {
				tb.Fatal(err)
			}
			r = bytes.NewReader(data)
		}
	}
	req, err := http.NewRequest(method, c.Base+path, r)
	if err != nil {
		tb.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		tb.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, data, resp.Header
}

// MustJSON sends a request, requires the status want and decodes the answer into out.
func (c *Client) MustJSON(tb testing.TB, want int, method, path string, body, out any) {
	tb.Helper()
	status, data, _ := c.Do(tb, method, path, body)
	if status != want {
		tb.Fatalf("%s %s: status %d, want %d; body: %s", method, path, status, want, data)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			tb.Fatalf("%s %s: decode %s: %v", method, path, data, err)
		}
	}
}

// User is the JSON form of a person.
type User struct {
	ID          string `json:"id"`
	Handle      string `json:"handle"`
	DisplayName string `json:"display_name"`
	Bio         string `json:"bio"`
}

// MustSignUp creates an account and signs this client in as it.
func (c *Client) MustSignUp(tb testing.TB, handle, password, name string) User {
	tb.Helper()
	var u User
	c.MustJSON(tb, http.StatusCreated, "POST", "/profile/api/users",
		map[string]string{"handle": handle, "password": password, "display_name": name}, &u)
	var s struct {
		Token string `json:"token"`
	}
	c.MustJSON(tb, http.StatusCreated, "POST", "/profile/api/sessions",
		map[string]string{"handle": handle, "password": password}, &s)
	c.Token = s.Token
	return u
}
