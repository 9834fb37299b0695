package stack

import (
	"bytes"
	"io"
	"os"

	"golang.org/x/sys/unix"
	"gopkg.in/natefinch/lumberjack.v2"
)

// rotatedFile is a log file that is rotated at the stack's limits: when a
// write would take it past Logs.MaxMB it is renamed with the time
// (name-2006-01-02T15-04-05.000.log), compressed, and a new one begun; the
// Logs.Keep newest rotated files are kept.
func (s *Stack) rotatedFile(path string) *lumberjack.Logger {
	return &lumberjack.Logger{
		Filename: path, MaxSize: s.Opts.Logs.MaxMB, MaxBackups: s.Opts.Logs.Keep, Compress: true, LocalTime: true,
	}
}

// outputPipe is a pipe carrying a part's output to the stack. Its buffer
// is raised to a megabyte where the system allows, so that a burst of log
// lines (nginx's access log under load) never makes the part wait for the
// copier.
func outputPipe() (r, w *os.File, err error) {
	r, w, err = os.Pipe()
	if err == nil {
		unix.FcntlInt(w.Fd(), unix.F_SETPIPE_SZ, 1<<20)
	}
	return r, w, err
}

// copyLines copies a part's output into its log until the pipe closes,
// writing whole lines only (a line longer than the buffer goes in pieces)
// so that a rotation never splits a line between two files, and as many
// lines at once as have arrived, so that a busy part costs one write per
// read rather than one per line.
func copyLines(dst io.Writer, src io.Reader) {
	buf := make([]byte, 64<<10)
	n := 0
	for {
		m, err := src.Read(buf[n:])
		n += m
		end := n
		if err == nil {
			// Up to the last whole line; a full buffer without any line
			// end is one line longer than the buffer, written in pieces.
			if i := bytes.LastIndexByte(buf[:n], '\n'); i >= 0 {
				end = i + 1
			} else if n < len(buf) {
				end = 0
			}
		}
		if end > 0 {
			dst.Write(buf[:end])
			n = copy(buf, buf[end:n])
		}
		if err != nil {
			return
		}
	}
}
