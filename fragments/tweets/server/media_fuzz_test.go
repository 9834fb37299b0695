package server

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"murmur/fragments/internal/fault"
	"murmur/fragments/tweets"
)

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// filler reads n bytes of 'x' without holding them.
type filler struct{ n int64 }

var xs = bytes.Repeat([]byte{'x'}, 32<<10)

func (f *filler) Read(p []byte) (int, error) {
	if f.n == 0 {
		return 0, io.EOF
	}
	k := copy(p[:min(int64(len(p)), f.n)], xs)
	f.n -= int64(k)
	return k, nil
}

// FuzzUpload holds the parsing of image uploads (the media API's and the
// compose box's) to its limits. The body is the fuzzer's head and tail
// around a run of filler bytes of any length up to past the limit, so
// bodies near the limit are reached without the fuzzer writing megabytes.
// Whatever the Content-Type and body: a refusal is "too large" or "not a
// multipart upload", and "too large" only for a body over the limit; a
// body declared over the limit is refused before a byte of it is read; an
// accepted upload read at most the limit, and each of its files reads as
// its declared size, at most MaxMediaBytes, or is refused as too large;
// no temporary file outlives the form.
func FuzzUpload(f *testing.F) {
	tmp := f.TempDir()
	f.Setenv("TMPDIR", tmp)
	f.Fuzz(func(t *testing.T, contentType string, head []byte, fill uint32, tail []byte, chunked bool, files uint8) {
		n := int(files%tweets.MaxMedia) + 1
		limit := int64(n)*tweets.MaxMediaBytes + multipartOverhead
		size := int64(len(head)) + int64(fill)%(limit+2*multipartOverhead) + int64(len(tail))
		read := &countingReader{r: io.MultiReader(bytes.NewReader(head), &filler{size - int64(len(head)+len(tail))}, bytes.NewReader(tail))}
		r := httptest.NewRequest(http.MethodPost, "/tweets/api/media", nil)
		r.Header.Set("Content-Type", contentType)
		r.Body, r.ContentLength = io.NopCloser(read), size
		if chunked {
			r.ContentLength = -1
		}
		over := size > limit

		err := parseUpload(httptest.NewRecorder(), r, n)
		switch {
		case err != nil && fault.Is(err, fault.TooLarge) && !over:
			t.Fatalf("a body of %d bytes (limit %d) refused as too large", size, limit)
		case err != nil && !fault.Is(err, fault.TooLarge) && !fault.Is(err, fault.Unsupported):
			t.Fatalf("refused with %v, neither too large nor unsupported", err)
		case over && !chunked && (!fault.Is(err, fault.TooLarge) || read.n > 0):
			t.Fatalf("a body declared %d bytes (limit %d): %v after reading %d bytes", size, limit, err, read.n)
		case err == nil && read.n > limit:
			t.Fatalf("accepted an upload after reading %d bytes (limit %d)", read.n, limit)
		}
		if err == nil {
			for _, fhs := range r.MultipartForm.File {
				for _, fh := range fhs {
					data, err := readImage(fh)
					switch {
					case err == nil && (len(data) > tweets.MaxMediaBytes || int64(len(data)) != fh.Size):
						t.Fatalf("file %q of %d bytes read as %d bytes", fh.Filename, fh.Size, len(data))
					case err != nil && (!fault.Is(err, fault.TooLarge) || fh.Size <= tweets.MaxMediaBytes):
						t.Fatalf("file %q of %d bytes refused: %v", fh.Filename, fh.Size, err)
					}
				}
			}
			if err := r.MultipartForm.RemoveAll(); err != nil {
				t.Fatal(err)
			}
		}
		if left, _ := os.ReadDir(tmp); len(left) > 0 {
			t.Fatalf("%d temporary files left behind, e.g. %s", len(left), left[0].Name())
		}
	})
}
