package tweets_test

import (
	"bytes"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"
	"time"

	"murmur/fragments/internal/fault"
	"murmur/fragments/tweets"
	"murmur/fragments/tweets/tweetstest"
)

func TestCleanText(t *testing.T) {
	family := "👨‍👩‍👧‍👦" // four people joined by zero-width joiners: one character
	tests := []struct {
		name, in, want string
		kind           fault.Kind // 0 (Internal) means no error
	}{
		{"plain", "hello", "hello", 0},
		{"trimmed", "  \n hello \t\n", "hello", 0},
		{"line breaks kept", "one\r\ntwo\nthree", "one\ntwo\nthree", 0},
		{"empty", "", "", fault.Invalid},
		{"only spaces", " \n\t ", "", fault.Invalid},
		{"280 letters", strings.Repeat("a", 280), strings.Repeat("a", 280), 0},
		{"281 letters", strings.Repeat("a", 281), "", fault.Invalid},
		{"280 emoji", strings.Repeat("😀", 280), strings.Repeat("😀", 280), 0},
		{"281 emoji", strings.Repeat("😀", 281), "", fault.Invalid},
		{"280 families", strings.Repeat(family, 280), strings.Repeat(family, 280), 0},
		{"280 flags", strings.Repeat("🇫🇷", 280), strings.Repeat("🇫🇷", 280), 0},
		{"280 accented (combining)", strings.Repeat("e\u0301", 280), strings.Repeat("e\u0301", 280), 0},
		{"280 skin tones", strings.Repeat("👍🏽", 280), strings.Repeat("👍🏽", 280), 0},
		{"trailing spaces do not count", strings.Repeat("a", 280) + "   ", strings.Repeat("a", 280), 0},
		{"control character", "bell\a", "", fault.Invalid},
		{"invalid utf-8", "bad \xff", "", fault.Invalid},
		{"markup kept as typed", "<script>alert(1)</script>", "<script>alert(1)</script>", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tweets.CleanText(tc.in)
			if tc.kind != 0 {
				if got := fault.KindOf(err); err == nil || got != tc.kind {
					t.Fatalf("CleanText(%q) error = %v (kind %v), want kind %v", tc.in, err, got, tc.kind)
				}
				return
			}
			if err != nil {
				t.Fatalf("CleanText(%q) error = %v, want none", tc.in, err)
			}
			if got != tc.want {
				t.Errorf("CleanText(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestTooLongMessageSaysCount(t *testing.T) {
	_, err := tweets.CleanText(strings.Repeat("😀", 300))
	if got, want := fault.Message(err), "at most 280 characters; this one has 300"; !strings.Contains(got, want) {
		t.Errorf("message = %q, want it to contain %q", got, want)
	}
}

func TestIDsAreTimeOrdered(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	g := tweets.NewIDs(clock)
	var last int64
	for i := range 10000 {
		id := g.Next()
		if id <= last {
			t.Fatalf("id %d = %d, not above the previous %d", i, id, last)
		}
		last = id
	}
	if got := tweets.IDTime(last); !got.Equal(now) && got.Sub(now) > time.Millisecond {
		t.Errorf("IDTime = %v, want about %v", got, now)
	}
	now = now.Add(time.Second)
	if later := g.Next(); later <= last || tweets.IDTime(later).Before(now) {
		t.Errorf("an id a second later = %d (time %v), want above %d and at %v", later, tweets.IDTime(later), last, now)
	}
	// Generators that do not share state still order by time across milliseconds.
	a := tweets.NewIDs(func() time.Time { return now }).Next()
	b := tweets.NewIDs(func() time.Time { return now.Add(time.Millisecond) }).Next()
	if a >= b {
		t.Errorf("id made 1 ms later = %d, want above %d", b, a)
	}
}

func TestParseID(t *testing.T) {
	for _, tc := range []struct {
		in string
		ok bool
	}{{"1", true}, {"519324558290944001", true}, {"0", false}, {"-5", false}, {"007", false}, {"1e3", false}, {"", false}, {"99999999999999999999", false}} {
		if _, ok := tweets.ParseID(tc.in); ok != tc.ok {
			t.Errorf("ParseID(%q) ok = %v, want %v", tc.in, ok, tc.ok)
		}
	}
}

func TestProcessImageAccepts(t *testing.T) {
	tests := []struct {
		name          string
		data          []byte
		wantType      string
		width, height int
	}{
		{"jpeg", tweetstest.JPEG(t, 40, 30), "image/jpeg", 40, 30},
		{"png", tweetstest.PNG(t, 40, 30), "image/png", 40, 30},
		{"gif", tweetstest.GIF(t, 20, 10, 3), "image/gif", 20, 10},
		{"webp lossy becomes jpeg", tweetstest.WebPLossy, "image/jpeg", 1, 1},
		{"webp lossless (transparent pixel) becomes png", tweetstest.WebPLossless, "image/png", 1, 1},
		{"webp with alpha becomes png", tweetstest.WebPAlpha, "image/png", 1, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			img, err := tweets.ProcessImage(tc.data)
			if err != nil {
				t.Fatalf("ProcessImage: %v", err)
			}
			if img.ContentType != tc.wantType || img.Width != tc.width || img.Height != tc.height {
				t.Errorf("got %s %d×%d, want %s %d×%d", img.ContentType, img.Width, img.Height, tc.wantType, tc.width, tc.height)
			}
			if _, format, err := image.Decode(bytes.NewReader(img.Data)); err != nil || "image/"+format != tc.wantType {
				t.Errorf("re-encoded bytes decode as %q (%v), want %s", format, err, tc.wantType)
			}
		})
	}
}

func TestProcessImageKeepsAnimation(t *testing.T) {
	img, err := tweets.ProcessImage(tweetstest.GIF(t, 8, 8, 5))
	if err != nil {
		t.Fatal(err)
	}
	g, err := gif.DecodeAll(bytes.NewReader(img.Data))
	if err != nil {
		t.Fatal(err)
	}
	if got := len(g.Image); got != 5 {
		t.Errorf("frames = %d, want 5", got)
	}
}

func TestProcessImageRefuses(t *testing.T) {
	jpg := tweetstest.JPEG(t, 64, 64)
	big := make([]byte, tweets.MaxMediaBytes+1)
	copy(big, jpg)
	tests := []struct {
		name string
		data []byte
		kind fault.Kind
	}{
		{"text", []byte("hello, this is not an image"), fault.Unsupported},
		{"text that starts like a GIF", []byte("GIF89a is a picture format, and this is a text file about it.\n"), fault.Unsupported},
		{"text that starts like a GIF, then punctuation", []byte("GIF87a notes, and more notes; the end!\n"), fault.Unsupported},
		{"a GIF signature and nothing else", []byte("GIF89a"), fault.Unsupported},
		{"a GIF with no image", append(tweetstest.GIF(t, 4, 4, 1)[:13:13], 0x3b), fault.Unsupported},
		{"text that starts like a WebP", []byte("RIFF1234WEBP is a picture format too.\n"), fault.Unsupported},
		{"html named like an image", []byte("<html><script>alert(1)</script></html>"), fault.Unsupported},
		{"svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"></svg>`), fault.Unsupported},
		{"empty", nil, fault.Unsupported},
		{"over 5 MB", big, fault.TooLarge},
		{"truncated jpeg", jpg[:len(jpg)/2], fault.Invalid},
		{"truncated png", tweetstest.PNG(t, 64, 64)[:100], fault.Invalid},
		{"truncated gif", func() []byte { g := tweetstest.GIF(t, 32, 32, 2); return g[:len(g)-40] }(), fault.Invalid},
		{"gif header only", tweetstest.GIF(t, 32, 32, 1)[:13], fault.Invalid},
		{"gif claiming 60000×60000 pixels", tweetstest.GIFClaiming(t, 60_000, 60_000), fault.Invalid},
		{"jpeg header only", jpg[:20], fault.Invalid},
		{"png claiming 100000×100000 pixels", tweetstest.PNGClaiming(t, 100_000, 100_000), fault.Invalid},
		{"png claiming 9000×9000 pixels", tweetstest.PNGClaiming(t, 9000, 9000), fault.Invalid},
		{"png claiming 0×10 pixels", tweetstest.PNGClaiming(t, 0, 10), fault.Invalid},
		{"gif with too many frames", tweetstest.GIF(t, 1, 1, tweets.MaxGIFFrames+1), fault.Invalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tweets.ProcessImage(tc.data)
			if got := fault.KindOf(err); err == nil || got != tc.kind {
				t.Fatalf("error = %v (kind %v), want kind %v", err, got, tc.kind)
			}
		})
	}
}

// The refusals of GIFs share a kind (invalid) or not (not an image), so
// their words are what tells them apart.
func TestProcessImageTellsWhyAGIFIsRefused(t *testing.T) {
	g := tweetstest.GIF(t, 32, 32, 2)
	for _, tt := range []struct {
		name string
		data []byte
		says string
	}{
		{"text that starts like a GIF", []byte("GIF89a is a picture format, and this is a text file about it.\n"), "not an image"},
		{"a canvas too large", tweetstest.GIFClaiming(t, 60_000, 60_000), "too large in pixels"},
		{"truncated", g[:len(g)-40], "damaged"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tweets.ProcessImage(tt.data)
			if got := fault.Message(err); !strings.Contains(got, tt.says) {
				t.Errorf("refusal %q, want it to say %q", got, tt.says)
			}
		})
	}
}

func TestFiveImagesKeepTheFirstFour(t *testing.T) {
	for _, tt := range []struct{ attached, chosen, room int }{
		{0, 5, 4}, {0, 2, 2}, {3, 2, 1}, {4, 1, 0}, {6, 1, 0},
	} {
		if got := tweets.RoomForMedia(tt.attached, tt.chosen); got != tt.room {
			t.Errorf("RoomForMedia(%d attached, %d chosen) = %d, want %d", tt.attached, tt.chosen, got, tt.room)
		}
	}
	for _, tt := range []struct {
		names []string
		want  string
	}{
		{nil, ""},
		{[]string{"e.png"}, "A tweet can have at most 4 images, so e.png was left out."},
		{[]string{"e.png", "f.png", "g.png"}, "A tweet can have at most 4 images, so e.png, f.png and g.png were left out."},
	} {
		if got := tweets.LeftOutNotice(tt.names); got != tt.want {
			t.Errorf("LeftOutNotice(%q) = %q, want %q", tt.names, got, tt.want)
		}
	}
}

func TestProcessImageStripsExif(t *testing.T) {
	src := tweetstest.WithExif(t, tweetstest.JPEG(t, 30, 20), 1)
	if !tweetstest.HasExif(src) {
		t.Fatal("test image has no EXIF to strip")
	}
	if _, err := jpeg.Decode(bytes.NewReader(src)); err != nil {
		t.Fatalf("test image with EXIF does not decode: %v", err)
	}
	img, err := tweets.ProcessImage(src)
	if err != nil {
		t.Fatal(err)
	}
	if tweetstest.HasExif(img.Data) {
		t.Error("re-encoded JPEG still carries EXIF/GPS data")
	}
}

func TestProcessImageAppliesOrientation(t *testing.T) {
	red := func(c color.Color) bool {
		r, g, b, _ := c.RGBA()
		return r > 0xc000 && g < 0x6000 && b < 0x6000
	}
	// The source has a red top-left pixel; after each orientation it must
	// be where the camera meant it to be.
	tests := []struct {
		orientation   uint16
		width, height int
		redX, redY    int
	}{
		{1, 40, 20, 0, 0},
		{3, 40, 20, 39, 19},
		{6, 20, 40, 19, 0},
		{8, 20, 40, 0, 39},
	}
	for _, tc := range tests {
		t.Run("orientation "+string(rune('0'+tc.orientation)), func(t *testing.T) {
			var buf bytes.Buffer
			src := tweetstest.Picture(40, 20)
			// Make the red corner a block, so JPEG blurring keeps it red.
			for y := range 4 {
				for x := range 4 {
					src.Set(x, y, color.RGBA{255, 0, 0, 255})
				}
			}
			if err := png.Encode(&buf, src); err != nil {
				t.Fatal(err)
			}
			decoded, _ := png.Decode(&buf)
			var jbuf bytes.Buffer
			jpeg.Encode(&jbuf, decoded, &jpeg.Options{Quality: 100})
			img, err := tweets.ProcessImage(tweetstest.WithExif(t, jbuf.Bytes(), tc.orientation))
			if err != nil {
				t.Fatal(err)
			}
			if img.Width != tc.width || img.Height != tc.height {
				t.Fatalf("size = %d×%d, want %d×%d", img.Width, img.Height, tc.width, tc.height)
			}
			out, err := jpeg.Decode(bytes.NewReader(img.Data))
			if err != nil {
				t.Fatal(err)
			}
			if c := out.At(tc.redX, tc.redY); !red(c) {
				t.Errorf("pixel (%d,%d) = %v, want the red corner there", tc.redX, tc.redY, c)
			}
		})
	}
}
