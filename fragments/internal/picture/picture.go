// Package picture checks uploaded images and re-encodes them, keeping only
// their pixels: tweets' attachments and profile pictures go through it.
package picture

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/draw"
	"image/gif"
	"image/jpeg"
	"image/png"
	"runtime"

	"golang.org/x/image/webp"

	"murmur/fragments/internal/fault"
)

// Limits on an uploaded image.
const (
	// MaxBytes is the largest file accepted.
	MaxBytes = 5 << 20
	// MaxSide is the widest and tallest canvas accepted, in pixels.
	MaxSide = 12_000
	// MaxPixels bounds width × height.
	MaxPixels = 40_000_000
	// MaxGIFFrames bounds an animation's frames.
	MaxGIFFrames = 500
	// MaxGIFPixels bounds an animation's pixels, all frames together.
	MaxGIFPixels = 120_000_000
)

// Image is an uploaded picture after it was checked and re-encoded.
type Image struct {
	Data          []byte
	ContentType   string
	Width, Height int
}

// The refusals an upload can meet, worded for the person uploading.
var (
	errNotImage  = fault.New(fault.Unsupported, "That file is not an image murmur can show: upload a JPEG, PNG, GIF or WebP.")
	errTooLarge  = fault.New(fault.TooLarge, "That image is larger than %d MB.", MaxBytes>>20)
	errDamaged   = fault.New(fault.Invalid, "That image is damaged or incomplete (truncated); it could not be read.")
	errTooBig    = fault.New(fault.Invalid, "That image is too large in pixels: at most %d×%d and %d megapixels.", MaxSide, MaxSide, MaxPixels/1_000_000)
	errTooFrames = fault.New(fault.Invalid, "That animation has too many frames (at most %d).", MaxGIFFrames)
)

// sniff tells an image's format from its first bytes, never from its name
// or the Content-Type a client declared. GIF's and WebP's signatures are
// plain letters that a text file can start with too: a WebP must go on
// with one of its image chunks, and a GIF is only known to be one once its
// blocks are walked (gifFrames).
func sniff(data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte("\xff\xd8\xff")):
		return "jpeg"
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return "png"
	case bytes.HasPrefix(data, []byte("GIF87a")), bytes.HasPrefix(data, []byte("GIF89a")):
		return "gif"
	case len(data) >= 16 && string(data[:4]) == "RIFF" && string(data[8:12]) == "WEBP" &&
		(string(data[12:16]) == "VP8 " || string(data[12:16]) == "VP8L" || string(data[12:16]) == "VP8X"):
		return "webp"
	}
	return ""
}

// decoding holds a place for each image being decoded and re-encoded.
var decoding = make(chan struct{}, max(1, min(runtime.NumCPU(), 4)))

// Process checks an upload and re-encodes it. The format is decided
// by the bytes; the dimensions declared in the header are checked before
// any pixel is decoded, so a small file claiming a gigantic canvas (a
// decompression bomb) is refused without allocating it. Re-encoding keeps
// only pixels: EXIF (with GPS positions), XMP, ICC and text chunks are gone.
// A JPEG's EXIF orientation is applied to the pixels first, so photos stay
// upright once the tag is dropped.
//
// JPEG stays JPEG, PNG stays PNG, GIF stays GIF (with its animation);
// WebP, which the standard library cannot write, becomes JPEG when opaque
// and PNG when it has transparency.
func Process(data []byte) (Image, error) {
	decoding <- struct{}{}
	defer func() { <-decoding }()
	format, cfg, err := check(data)
	if err != nil {
		return Image{}, err
	}
	if format == "gif" {
		var out bytes.Buffer
		g, err := gif.DecodeAll(bytes.NewReader(data))
		if err != nil {
			return Image{}, errDamaged
		}
		if err := gif.EncodeAll(&out, g); err != nil {
			return Image{}, err
		}
		return Image{Data: out.Bytes(), ContentType: "image/gif", Width: cfg.Width, Height: cfg.Height}, nil
	}
	img, err := decodeStill(format, data)
	if err != nil {
		return Image{}, err
	}
	switch format {
	case "png":
		return encodePNG(img)
	case "webp":
		if o, ok := img.(interface{ Opaque() bool }); ok && !o.Opaque() {
			return encodePNG(img)
		}
	}
	return encodeJPEG(img)
}

// Decode checks an upload like Process and decodes its pixels, upright
// (a JPEG's EXIF orientation applied); of an animation, the first frame.
// Nothing but the pixels is kept.
func Decode(data []byte) (image.Image, error) {
	decoding <- struct{}{}
	defer func() { <-decoding }()
	format, _, err := check(data)
	if err != nil {
		return nil, err
	}
	return decodeStill(format, data)
}

// check tells an upload's format from its bytes and checks its size and
// declared dimensions (and, for a GIF, its frames) against the limits
// before any pixel is decoded, so a small file claiming a gigantic canvas
// (a decompression bomb) is refused without allocating it. A small file
// can still decode to hundreds of megabytes (40 megapixels of 16-bit PNG):
// callers decode while holding a place in decoding, so parallel uploads
// queue instead of exhausting memory.
func check(data []byte) (string, image.Config, error) {
	var cfg image.Config
	if len(data) > MaxBytes {
		return "", cfg, errTooLarge
	}
	format := sniff(data)
	if format == "" {
		return "", cfg, errNotImage
	}
	// A GIF's blocks are walked before its header is believed: a text file
	// that starts with "GIF89a" has letters where the canvas size goes, and
	// is not an image rather than one too large in pixels.
	var frames int
	if format == "gif" {
		var err error
		if frames, err = gifFrames(data); err != nil {
			return "", cfg, err
		}
	}
	var err error
	switch format {
	case "jpeg":
		cfg, err = jpeg.DecodeConfig(bytes.NewReader(data))
	case "png":
		cfg, err = png.DecodeConfig(bytes.NewReader(data))
	case "gif":
		cfg, err = gif.DecodeConfig(bytes.NewReader(data))
	case "webp":
		cfg, err = webp.DecodeConfig(bytes.NewReader(data))
	}
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 {
		return "", cfg, errDamaged
	}
	if cfg.Width > MaxSide || cfg.Height > MaxSide || cfg.Width*cfg.Height > MaxPixels {
		return "", cfg, errTooBig
	}
	if format == "gif" {
		if frames > MaxGIFFrames {
			return "", cfg, errTooFrames
		}
		if frames*cfg.Width*cfg.Height > MaxGIFPixels {
			return "", cfg, errTooBig
		}
	}
	return format, cfg, nil
}

// decodeStill decodes a checked image's pixels, upright; a GIF's first frame.
func decodeStill(format string, data []byte) (image.Image, error) {
	var img image.Image
	var err error
	switch format {
	case "png":
		img, err = png.Decode(bytes.NewReader(data))
	case "webp":
		img, err = webp.Decode(bytes.NewReader(data))
	case "gif":
		img, err = gif.Decode(bytes.NewReader(data))
	default: // jpeg
		img, err = jpeg.Decode(bytes.NewReader(data))
		if err == nil {
			img = orient(img, jpegOrientation(data))
		}
	}
	if err != nil {
		return nil, errDamaged
	}
	return img, nil
}

func encodePNG(img image.Image) (Image, error) {
	var out bytes.Buffer
	if err := png.Encode(&out, img); err != nil {
		return Image{}, err
	}
	b := img.Bounds()
	return Image{Data: out.Bytes(), ContentType: "image/png", Width: b.Dx(), Height: b.Dy()}, nil
}

func encodeJPEG(img image.Image) (Image, error) {
	var out bytes.Buffer
	if err := jpeg.Encode(&out, img, &jpeg.Options{Quality: 88}); err != nil {
		return Image{}, err
	}
	b := img.Bounds()
	return Image{Data: out.Bytes(), ContentType: "image/jpeg", Width: b.Dx(), Height: b.Dy()}, nil
}

// gifFrames counts the frames of a GIF by walking its blocks without
// decompressing anything, so the decoder is only trusted with files whose
// total pixel count is known to be bounded. A file that is not a GIF after
// all (errNotImage): one without a zero byte (every image's data ends in
// one, and text has none), one whose first block after the header is none
// of a GIF's (an extension, an image or the end), one with no image. A GIF
// whose blocks break off or turn to garbage later is damaged (errDamaged).
func gifFrames(data []byte) (frames int, err error) {
	if bytes.IndexByte(data, 0) < 0 {
		return 0, errNotImage
	}
	if len(data) < 13 {
		return 0, errDamaged
	}
	p := 13
	if flags := data[10]; flags&0x80 != 0 {
		p += 3 << (int(flags&7) + 1)
	}
	// skipSubBlocks moves past a chain of length-prefixed sub-blocks.
	skipSubBlocks := func() bool {
		for {
			if p >= len(data) {
				return false
			}
			n := int(data[p])
			p++
			if n == 0 {
				return true
			}
			p += n
		}
	}
	blocks := 0
	for p < len(data) {
		blocks++
		switch data[p] {
		case 0x3b: // trailer
			if frames == 0 {
				return 0, errNotImage
			}
			return frames, nil
		case 0x21: // extension: label, a fixed part, then sub-blocks
			if p+1 >= len(data) {
				return frames, errDamaged
			}
			label := data[p+1]
			p += 2
			// The fixed part as image/gif reads it: a plain text extension's
			// 13 bytes, an application extension's length-prefixed header
			// (a header of length 0 is followed by sub-blocks all the same).
			// Read otherwise, the two could disagree on where frames start.
			switch label {
			case 0x01:
				p += 13
			case 0xff:
				if p >= len(data) {
					return frames, errDamaged
				}
				p += 1 + int(data[p])
			}
			if !skipSubBlocks() {
				return frames, errDamaged
			}
		case 0x2c: // image descriptor
			if p+10 > len(data) {
				return frames, errDamaged
			}
			flags := data[p+9]
			p += 10
			if flags&0x80 != 0 {
				p += 3 << (int(flags&7) + 1)
			}
			p++ // LZW minimum code size
			if !skipSubBlocks() {
				return frames, errDamaged
			}
			frames++
		default:
			if blocks == 1 {
				return 0, errNotImage
			}
			return frames, errDamaged
		}
	}
	return frames, errDamaged
}

// jpegOrientation reads the EXIF orientation (1 to 8) of a JPEG; 1, the
// identity, when there is none or it cannot be read.
func jpegOrientation(data []byte) int {
	p := 2
	for p+4 <= len(data) && data[p] == 0xff {
		marker := data[p+1]
		if marker == 0xda || marker == 0xd9 { // start of scan, end of image
			break
		}
		n := int(binary.BigEndian.Uint16(data[p+2:]))
		if n < 2 || p+2+n > len(data) {
			break
		}
		seg := data[p+4 : p+2+n]
		if marker == 0xe1 && bytes.HasPrefix(seg, []byte("Exif\x00\x00")) {
			return exifOrientation(seg[6:])
		}
		p += 2 + n
	}
	return 1
}

// exifOrientation finds tag 0x0112 in the first IFD of a TIFF block.
func exifOrientation(tiff []byte) int {
	if len(tiff) < 8 {
		return 1
	}
	var order binary.ByteOrder
	switch string(tiff[:2]) {
	case "II":
		order = binary.LittleEndian
	case "MM":
		order = binary.BigEndian
	default:
		return 1
	}
	ifd := int(order.Uint32(tiff[4:]))
	if ifd < 8 || ifd+2 > len(tiff) {
		return 1
	}
	count := int(order.Uint16(tiff[ifd:]))
	for i := range count {
		e := ifd + 2 + 12*i
		if e+12 > len(tiff) {
			break
		}
		if order.Uint16(tiff[e:]) == 0x0112 && order.Uint16(tiff[e+2:]) == 3 {
			if o := int(order.Uint16(tiff[e+8:])); o >= 1 && o <= 8 {
				return o
			}
		}
	}
	return 1
}

// orient turns the pixels of img so that it looks the way its EXIF
// orientation says it should.
func orient(img image.Image, o int) image.Image {
	if o <= 1 || o > 8 {
		return img
	}
	b := img.Bounds()
	src := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(src, src.Bounds(), img, b.Min, draw.Src)
	w, h := b.Dx(), b.Dy()
	dw, dh := w, h
	if o >= 5 {
		dw, dh = h, w
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for y := range dh {
		for x := range dw {
			var sx, sy int
			switch o {
			case 2:
				sx, sy = w-1-x, y
			case 3:
				sx, sy = w-1-x, h-1-y
			case 4:
				sx, sy = x, h-1-y
			case 5:
				sx, sy = y, x
			case 6:
				sx, sy = y, h-1-x
			case 7:
				sx, sy = w-1-y, h-1-x
			case 8:
				sx, sy = w-1-y, x
			}
			copy(dst.Pix[dst.PixOffset(x, y):][:4], src.Pix[src.PixOffset(sx, sy):][:4])
		}
	}
	return dst
}
