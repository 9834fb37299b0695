// Package tweetstest builds the images the tweets service's tests upload:
// real encoded files, some carrying metadata and some deliberately broken.
package tweetstest

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/color/palette"
	"image/gif"
	"image/jpeg"
	"image/png"
	"testing"
)

// Picture is a w×h image with a gradient, so encoders have something to
// encode, and a pure red top-left pixel, so tests can tell orientation.
func Picture(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(40 + x*100/max(w, 1)), uint8(60 + y*100/max(h, 1)), 200, 255})
		}
	}
	img.Set(0, 0, color.RGBA{255, 0, 0, 255})
	return img
}

// JPEG encodes a w×h picture as JPEG.
func JPEG(tb testing.TB, w, h int) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, Picture(w, h), &jpeg.Options{Quality: 95}); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// PNG encodes a w×h picture as PNG.
func PNG(tb testing.TB, w, h int) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, Picture(w, h)); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// GIF encodes an animated w×h GIF of the given number of frames.
func GIF(tb testing.TB, w, h, frames int) []byte {
	tb.Helper()
	g := &gif.GIF{LoopCount: 0}
	for i := range frames {
		p := image.NewPaletted(image.Rect(0, 0, w, h), palette.Plan9)
		for y := range h {
			for x := range w {
				p.SetColorIndex(x, y, uint8((x+y+i*10)%256))
			}
		}
		g.Image = append(g.Image, p)
		g.Delay = append(g.Delay, 10)
	}
	var buf bytes.Buffer
	if err := gif.EncodeAll(&buf, g); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// WebP samples: 1×1 images as browsers' feature tests use them, since Go
// has no WebP encoder.
var (
	WebPLossy    = mustBase64("UklGRiIAAABXRUJQVlA4IBYAAAAwAQCdASoBAAEADsD+JaQAA3AAAAAA")
	WebPLossless = mustBase64("UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==") // one transparent pixel
	WebPAlpha    = mustBase64("UklGRkoAAABXRUJQVlA4WAoAAAAQAAAAAAAAAAAAQUxQSAwAAAARBxAR/Q9ERP8DAABWUDggGAAAABQBAJ0BKgEAAQAAAP4AAA3AAP7mtQAAAA==")
)

func mustBase64(s string) []byte {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

// GPSMarker is a string inside the EXIF block WithExif adds, to look for
// in files that should have lost it.
const GPSMarker = "GPS-SECRET-51.5007N-0.1246W"

// WithExif inserts an APP1 Exif segment right after a JPEG's start marker:
// a little-endian TIFF block whose first IFD holds an orientation tag and
// a GPS IFD pointer, with GPS coordinates and a marker string behind it,
// the way a phone camera writes them.
func WithExif(tb testing.TB, jpg []byte, orientation uint16) []byte {
	tb.Helper()
	le := binary.LittleEndian
	var t bytes.Buffer
	t.WriteString("II")
	binary.Write(&t, le, uint16(42))
	binary.Write(&t, le, uint32(8)) // IFD0 at offset 8
	// IFD0: two entries.
	binary.Write(&t, le, uint16(2))
	gpsIFD := uint32(8 + 2 + 2*12 + 4)
	binary.Write(&t, le, uint16(0x0112)) // orientation: SHORT, count 1
	binary.Write(&t, le, uint16(3))
	binary.Write(&t, le, uint32(1))
	binary.Write(&t, le, orientation)
	binary.Write(&t, le, uint16(0))
	binary.Write(&t, le, uint16(0x8825)) // GPS IFD pointer: LONG
	binary.Write(&t, le, uint16(4))
	binary.Write(&t, le, uint32(1))
	binary.Write(&t, le, gpsIFD)
	binary.Write(&t, le, uint32(0)) // no next IFD
	// GPS IFD: one ASCII entry (GPSMapDatum, 0x0012) pointing at the marker.
	binary.Write(&t, le, uint16(1))
	markerAt := gpsIFD + 2 + 12 + 4
	binary.Write(&t, le, uint16(0x0012))
	binary.Write(&t, le, uint16(2))
	binary.Write(&t, le, uint32(len(GPSMarker)+1))
	binary.Write(&t, le, markerAt)
	binary.Write(&t, le, uint32(0))
	t.WriteString(GPSMarker + "\x00")

	seg := append([]byte("Exif\x00\x00"), t.Bytes()...)
	var out bytes.Buffer
	out.Write(jpg[:2]) // SOI
	out.Write([]byte{0xff, 0xe1})
	binary.Write(&out, binary.BigEndian, uint16(len(seg)+2))
	out.Write(seg)
	out.Write(jpg[2:])
	return out.Bytes()
}

// PNGClaiming is a valid small PNG whose header claims w×h pixels: a
// decompression bomb as far as a careless decoder is concerned.
func PNGClaiming(tb testing.TB, w, h uint32) []byte {
	tb.Helper()
	b := PNG(tb, 2, 2)
	// Signature (8), IHDR length (4), "IHDR" (4), then width and height.
	binary.BigEndian.PutUint32(b[16:], w)
	binary.BigEndian.PutUint32(b[20:], h)
	binary.BigEndian.PutUint32(b[29:], crc32.ChecksumIEEE(b[12:29]))
	return b
}

// GIFClaiming is a small real GIF whose header claims a w×h canvas.
func GIFClaiming(tb testing.TB, w, h uint16) []byte {
	tb.Helper()
	b := GIF(tb, 2, 2, 1)
	// Signature (6), then the canvas width and height, little-endian.
	binary.LittleEndian.PutUint16(b[6:], w)
	binary.LittleEndian.PutUint16(b[8:], h)
	return b
}

// HasExif reports whether a JPEG still holds an APP1 (Exif/XMP) segment
// or the GPS marker anywhere.
func HasExif(data []byte) bool {
	if bytes.Contains(data, []byte(GPSMarker)) || bytes.Contains(data, []byte("Exif\x00")) {
		return true
	}
	for p := 2; p+4 <= len(data) && data[p] == 0xff; {
		marker := data[p+1]
		if marker == 0xe1 {
			return true
		}
		if marker == 0xda {
			break
		}
		p += 2 + int(binary.BigEndian.Uint16(data[p+2:]))
	}
	return false
}
