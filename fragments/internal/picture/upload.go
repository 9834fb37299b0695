package picture

import (
	"errors"
	"io"
	"mime/multipart"
	"net/http"

	"murmur/fragments/internal/fault"
)

// UploadOverhead is room in a request body for the multipart framing and
// the small fields sent along with the files.
const UploadOverhead = 64 << 10

// ParseUpload reads a multipart upload of at most files images, refusing a
// body that cannot hold them under the size limit (TooLarge) before reading
// it all, and one that is not multipart (Unsupported). The caller removes
// the form's temporary files (r.MultipartForm.RemoveAll).
func ParseUpload(w http.ResponseWriter, r *http.Request, files int) error {
	limit := int64(files)*MaxBytes + UploadOverhead
	tooLarge := fault.New(fault.TooLarge, "That upload is larger than %d MB per image.", MaxBytes>>20)
	if r.ContentLength > limit {
		return tooLarge
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	err := r.ParseMultipartForm(8 << 20)
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		return tooLarge
	case err != nil:
		return fault.New(fault.Unsupported, "Send the image as multipart/form-data, in a part named file.")
	}
	return nil
}

// ReadUpload reads one uploaded file, refusing it (TooLarge) as soon as it
// passes the size limit.
func ReadUpload(fh *multipart.FileHeader) ([]byte, error) {
	if fh.Size > MaxBytes {
		return nil, errTooLarge
	}
	f, err := fh.Open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxBytes {
		return nil, errTooLarge
	}
	return data, nil
}
