// Command letterbox is a desktop mail workbench: compose and send mail with a live
// SMTP transcript, and receive it in a bundled local SMTP server.
//
//	letterbox          open the desktop app
//	letterbox serve    run the SMTP server without a window
//	letterbox send     send one message from the terminal
//	letterbox inbox    list, show, wait for, delete and lint received mail
//	letterbox passwd   print a hashed credentials line for serve --auth FILE
//	letterbox share    write a Dovecot configuration that serves the store over IMAP
//	letterbox version  print the version
package main

import (
	"fmt"
	"os"

	fyneapp "fyne.io/fyne/v2/app"

	"letterbox/cli"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

func main() {
	if len(os.Args) > 1 {
		switch os.Args[1] {
		case "serve":
			os.Exit(cli.Serve(os.Args[2:]))
		case "send":
			os.Exit(cli.Send(os.Args[2:]))
		case "inbox":
			os.Exit(cli.Inbox(os.Args[2:], cli.Env{Stdout: os.Stdout, Stderr: os.Stderr}))
		case "passwd":
			os.Exit(cli.Passwd(os.Args[2:]))
		case "share":
			os.Exit(cli.Share(os.Args[2:], cli.Env{Stdout: os.Stdout, Stderr: os.Stderr}))
		case "version", "--version":
			fmt.Println("letterbox", version)
			return
		case "help", "-h", "--help":
			fmt.Print(usage)
			return
		default:
			fmt.Fprintf(os.Stderr, "letterbox: unknown command %q\n\n%s", os.Args[1], usage)
			os.Exit(2)
		}
	}
	os.Exit(runApp(fyneapp.NewWithID(appID)))
}

const appID = "dev.letterbox.app"

const usage = `usage:
  letterbox                 open the desktop app
  letterbox serve [flags]   run the SMTP server without a window (letterbox serve -h)
  letterbox send [flags]    send one message from the terminal (letterbox send -h)
  letterbox inbox COMMAND   list, show, wait for, delete or lint received mail (letterbox inbox -h)
  letterbox passwd USER     print a credentials line for 'serve --auth FILE'
  letterbox share [flags]   write a Dovecot config that serves the store over IMAP (letterbox share -h)
  letterbox version         print the version
`
