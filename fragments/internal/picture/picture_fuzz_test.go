package picture

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"slices"
	"testing"

	"golang.org/x/image/webp"

	"murmur/fragments/internal/fault"
	"murmur/fragments/tweets/tweetstest"
)

// fuzzMaxPixels bounds the pixels FuzzProcessImage lets Process
// decode, so every run stays short: a header claiming more, yet within
// the limits, is skipped (the unit tests upload images of those sizes).
// Headers beyond the limits are not skipped: they must be refused before
// any pixel is decoded.
const fuzzMaxPixels = 1 << 16

// decodeConfig reads the header of an image of the given format.
func decodeConfig(format string, data []byte) (image.Config, error) {
	r := bytes.NewReader(data)
	switch format {
	case "jpeg":
		return jpeg.DecodeConfig(r)
	case "png":
		return png.DecodeConfig(r)
	case "gif":
		return gif.DecodeConfig(r)
	default:
		return webp.DecodeConfig(r)
	}
}

// outputType is the content type Process turns each format into.
var outputType = map[string][]string{
	"jpeg": {"image/jpeg"},
	"png":  {"image/png"},
	"gif":  {"image/gif"},
	"webp": {"image/jpeg", "image/png"},
}

// pngChunks lists the chunk types of a PNG, in order.
func pngChunks(data []byte) []string {
	var out []string
	for p := 8; p+8 <= len(data); {
		n := int(binary.BigEndian.Uint32(data[p:]))
		out = append(out, string(data[p+4:p+8]))
		p += 12 + n
	}
	return out
}

// FuzzProcessImage holds uploads to what Process promises. Whatever
// the bytes, it does not panic and refuses only as a person is told
// (not an image, too large, damaged), never with an encoder's error after
// a decode succeeded. What it accepts had an image's header; comes out
// in its format's output type, in the header's size (turned by a JPEG's
// orientation), within the limits; decodes again with the standard
// decoder of its type; has lost its metadata (EXIF, PNG text chunks);
// and is accepted again unchanged in type and size. The parsers of the
// header that run before any decoder (EXIF orientation, GIF frames) stay
// in range, and the frame count never falls below what the GIF decoder
// decodes, since it is what bounds the animation's pixels.
func FuzzProcessImage(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		orientation := jpegOrientation(data)
		if orientation < 1 || orientation > 8 {
			t.Fatalf("jpegOrientation = %d, not 1 to 8", orientation)
		}
		if o := exifOrientation(data); o < 1 || o > 8 {
			t.Fatalf("exifOrientation = %d, not 1 to 8", o)
		}
		format := sniff(data)
		frames, framesOK := 1, true
		if format == "gif" {
			var framesErr error
			frames, framesErr = gifFrames(data)
			framesOK = framesErr == nil
			if frames < 0 {
				t.Fatalf("gifFrames = %d", frames)
			}
		}
		var cfg image.Config
		cfgErr := errNotImage
		if format != "" {
			cfg, cfgErr = decodeConfig(format, data)
		}
		pixels := cfg.Width * cfg.Height
		within := cfgErr == nil && cfg.Width > 0 && cfg.Height > 0 &&
			cfg.Width <= MaxSide && cfg.Height <= MaxSide && pixels <= MaxPixels
		if within && (pixels > fuzzMaxPixels || (framesOK && frames*pixels > fuzzMaxPixels)) {
			t.Skip("decoding this image in full takes too long for a fuzz run")
		}
		if within && format == "gif" {
			if g, err := gif.DecodeAll(bytes.NewReader(data)); err == nil && (!framesOK || frames < len(g.Image)) {
				t.Fatalf("gifFrames = %d, %v, but the decoder decodes %d frames", frames, framesOK, len(g.Image))
			}
		}

		img, err := Process(data)
		if err != nil {
			switch fault.KindOf(err) {
			case fault.Unsupported, fault.TooLarge, fault.Invalid:
			default:
				t.Fatalf("refused with %v: not a refusal a person is told (an encoder failing after the decoder accepted?)", err)
			}
			if format == "" && len(data) <= MaxBytes && !fault.Is(err, fault.Unsupported) {
				t.Fatalf("bytes of no image format refused with %v, not as unsupported", err)
			}
			return
		}
		if !within {
			t.Fatalf("accepted an image whose header (%q: %+v, %v) is outside the limits", format, cfg, cfgErr)
		}
		if !slices.Contains(outputType[format], img.ContentType) {
			t.Fatalf("a %s came out as %q", format, img.ContentType)
		}
		if got := "image/" + sniff(img.Data); got != img.ContentType {
			t.Fatalf("output labelled %q holds %q", img.ContentType, got)
		}
		w, h := cfg.Width, cfg.Height
		if format == "jpeg" && orientation >= 5 {
			w, h = h, w
		}
		if img.Width != w || img.Height != h {
			t.Fatalf("a %d×%d %s (orientation %d) came out %d×%d", cfg.Width, cfg.Height, format, orientation, img.Width, img.Height)
		}

		var decoded image.Image
		switch img.ContentType {
		case "image/jpeg":
			decoded, err = jpeg.Decode(bytes.NewReader(img.Data))
			if tweetstest.HasExif(img.Data) {
				t.Fatal("the JPEG kept an EXIF segment")
			}
		case "image/png":
			decoded, err = png.Decode(bytes.NewReader(img.Data))
			for _, c := range pngChunks(img.Data) {
				if !slices.Contains([]string{"IHDR", "PLTE", "tRNS", "IDAT", "IEND"}, c) {
					t.Fatalf("the PNG kept a %s chunk", c)
				}
			}
		case "image/gif":
			var g *gif.GIF
			if g, err = gif.DecodeAll(bytes.NewReader(img.Data)); err == nil {
				if len(g.Image) == 0 || len(g.Image) > MaxGIFFrames || len(g.Image)*w*h > MaxGIFPixels {
					t.Fatalf("the GIF came out with %d frames of %d×%d", len(g.Image), w, h)
				}
				decoded = image.Rect(0, 0, g.Config.Width, g.Config.Height)
			}
		}
		if err != nil {
			t.Fatalf("the %s output does not decode: %v", img.ContentType, err)
		}
		if b := decoded.Bounds(); b.Dx() != img.Width || b.Dy() != img.Height {
			t.Fatalf("output said to be %d×%d decodes as %v", img.Width, img.Height, b)
		}

		again, err := Process(img.Data)
		if err != nil || again.ContentType != img.ContentType || again.Width != img.Width || again.Height != img.Height {
			t.Fatalf("the output (%s %d×%d) processed again: %s %d×%d, %v",
				img.ContentType, img.Width, img.Height, again.ContentType, again.Width, again.Height, err)
		}
	})
}
