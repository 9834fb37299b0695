package systemtest

import (
	"bufio"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"murmur/stack"
)

// Disk is a real, small file system mounted as one service's data
// directory, so a test can make that service's storage fail the way disks
// do: fill up, or turn read-only under it. Mounting needs root (CI runs
// the tests as root); without it, or where the machine forbids mounts,
// the test is skipped with the reason.
type Disk struct {
	// Dir is the mount point: the service's data directory.
	Dir string
	// image is the file behind an ext4 disk's loop device.
	image string
	// filler is the file Fill writes until the disk is full.
	filler string
}

// WithTmpfsData puts a service's data directory on a tmpfs of the given
// size (in mount's syntax, e.g. "8m"): a disk that can fill up.
func WithTmpfsData(tb testing.TB, service, size string) (*Disk, StackOption) {
	tb.Helper()
	d := &Disk{}
	return d, func(o *stack.Options) {
		d.Dir = mustMountPoint(tb, o, service)
		err := syscall.Mount("murmur-"+service, d.Dir, "tmpfs", syscall.MS_NOSUID|syscall.MS_NODEV, "size="+size+",mode=0755")
		if err != nil {
			tb.Skipf("cannot mount a tmpfs here (%v): the full-disk test needs a machine that allows mounts", err)
		}
		tb.Cleanup(func() { d.unmount(tb) })
	}
}

// WithExt4Data puts a service's data directory on a small ext4 file
// system in a loop device, mounted errors=remount-ro as servers mount
// their disks: one that turns read-only under a running service when the
// kernel meets an error on it.
func WithExt4Data(tb testing.TB, service string) (*Disk, StackOption) {
	tb.Helper()
	d := &Disk{}
	return d, func(o *stack.Options) {
		for _, tool := range []string{"mkfs.ext4", "e2fsck", "mount", "umount"} {
			if _, err := exec.LookPath(tool); err != nil {
				tb.Skipf("%s is missing (Debian's e2fsprogs and mount): the read-only disk test needs it", tool)
			}
		}
		d.Dir = mustMountPoint(tb, o, service)
		d.image = filepath.Join(tb.TempDir(), service+".ext4")
		if err := os.WriteFile(d.image, nil, 0o600); err != nil {
			tb.Fatal(err)
		}
		if err := os.Truncate(d.image, 32<<20); err != nil {
			tb.Fatal(err)
		}
		mustRun(tb, "mkfs.ext4", "-q", "-F", "-m", "0", d.image)
		if out, err := exec.Command("mount", d.mountArgs()...).CombinedOutput(); err != nil {
			tb.Skipf("cannot mount an ext4 image in a loop device here (%v: %s): the read-only disk test needs one", err, out)
		}
		tb.Cleanup(func() { d.unmount(tb) })
	}
}

func (d *Disk) mountArgs() []string {
	return []string{"-t", "ext4", "-o", "loop,errors=remount-ro", d.image, d.Dir}
}

// mustMountPoint makes the empty data directory a service will use in the
// stack about to start, or skips the test when it cannot mount.
func mustMountPoint(tb testing.TB, o *stack.Options, service string) string {
	tb.Helper()
	if os.Geteuid() != 0 {
		tb.Skip("mounting a file system needs root (CI runs the tests as root)")
	}
	dir := filepath.Join(o.Dir, "data", service)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.Fatal(err)
	}
	return dir
}

func mustRun(tb testing.TB, name string, args ...string) {
	tb.Helper()
	if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
		tb.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
}

// unmount takes the disk away once nothing has a file open on it (a
// killed service may take a moment to let go of its files).
func (d *Disk) unmount(tb testing.TB) {
	tb.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		err := syscall.Unmount(d.Dir, 0)
		if err == nil || errors.Is(err, syscall.EINVAL) { // EINVAL: not mounted
			return
		}
		if !errors.Is(err, syscall.EBUSY) || time.Now().After(deadline) {
			tb.Errorf("unmount %s: %v", d.Dir, err)
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Fill writes a file until the disk has no space left.
func (d *Disk) Fill(tb testing.TB) {
	tb.Helper()
	d.filler = filepath.Join(d.Dir, "filler")
	f, err := os.Create(d.filler)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 256<<10)
	for range 4096 { // at most a gigabyte: far more than any test disk
		if _, err = f.Write(chunk); err != nil {
			break
		}
	}
	if !errors.Is(err, syscall.ENOSPC) {
		tb.Fatalf("filling %s: %v, want no space left on the device", d.Dir, err)
	}
	var st syscall.Statfs_t
	if err := syscall.Statfs(d.Dir, &st); err != nil || st.Bavail != 0 {
		tb.Fatalf("%s is not full after filling it: %d blocks free (%v)", d.Dir, st.Bavail, err)
	}
}

// Free removes what Fill wrote.
func (d *Disk) Free(tb testing.TB) {
	tb.Helper()
	if err := os.Remove(d.filler); err != nil {
		tb.Fatal(err)
	}
}

// FailReadOnly makes the kernel meet an error on an ext4 disk, as a
// failing drive would: the file system turns read-only at once under
// everyone who has files open on it, while reads keep working.
func (d *Disk) FailReadOnly(tb testing.TB) {
	tb.Helper()
	dev, err := mountSource(d.Dir)
	if err != nil {
		tb.Fatal(err)
	}
	trigger := filepath.Join("/sys/fs/ext4", filepath.Base(dev), "trigger_fs_error")
	if err := os.WriteFile(trigger, []byte("murmur test: a failing disk\n"), 0o200); err != nil {
		tb.Skipf("this kernel cannot simulate an ext4 error (%v)", err)
	}
	err = os.WriteFile(filepath.Join(d.Dir, "probe"), nil, 0o644)
	if !errors.Is(err, syscall.EROFS) {
		tb.Fatalf("writing on %s after the error: %v, want a read-only file system", d.Dir, err)
	}
}

// Repair is what an operator does after a disk error, with the service
// stopped: unmount, check the file system, mount it again.
func (d *Disk) Repair(tb testing.TB) {
	tb.Helper()
	d.unmount(tb)
	// 0: clean; 1: errors were corrected.
	if out, err := exec.Command("e2fsck", "-f", "-y", d.image).CombinedOutput(); err != nil {
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() > 1 {
			tb.Fatalf("e2fsck: %v\n%s", err, out)
		}
	}
	mustRun(tb, "mount", d.mountArgs()...)
}

// mountSource is the device mounted at dir, from the kernel's mount table.
func mountSource(dir string) (string, error) {
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return "", err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		// "id parent major:minor root mountpoint options ... - fstype source superoptions"
		fields := strings.Fields(sc.Text())
		if len(fields) < 5 || fields[4] != dir {
			continue
		}
		for i, f := range fields {
			if f == "-" && i+2 < len(fields) {
				return fields[i+2], nil
			}
		}
	}
	if err := sc.Err(); err != nil {
		return "", err
	}
	return "", errors.New(dir + " is not a mount point")
}
