# Installs resource-batch from its release archive: `make install PREFIX=/usr/local` (the default),
# `DESTDIR=ROOT` to install under another root. Needs only make and coreutils' install.
PREFIX ?= /usr/local
DESTDIR ?=
ROOT := $(DESTDIR)$(PREFIX)

.PHONY: install uninstall

install:
	install -d $(ROOT)/bin $(ROOT)/share/man/man1 $(ROOT)/share/bash-completion/completions \
	  $(ROOT)/share/zsh/site-functions $(ROOT)/share/fish/vendor_completions.d $(ROOT)/share/doc/resource-batch
	install -m 0755 bin/resource-batch $(ROOT)/bin/resource-batch
	install -m 0644 share/man/man1/resource-batch.1 $(ROOT)/share/man/man1/resource-batch.1
	install -m 0644 share/bash-completion/completions/resource-batch $(ROOT)/share/bash-completion/completions/resource-batch
	install -m 0644 share/zsh/site-functions/_resource-batch $(ROOT)/share/zsh/site-functions/_resource-batch
	install -m 0644 share/fish/vendor_completions.d/resource-batch.fish $(ROOT)/share/fish/vendor_completions.d/resource-batch.fish
	cp -R share/doc/resource-batch/contrib $(ROOT)/share/doc/resource-batch/
	install -m 0644 INSTALL $(ROOT)/share/doc/resource-batch/INSTALL

uninstall:
	rm -f $(ROOT)/bin/resource-batch $(ROOT)/share/man/man1/resource-batch.1 \
	  $(ROOT)/share/bash-completion/completions/resource-batch $(ROOT)/share/zsh/site-functions/_resource-batch \
	  $(ROOT)/share/fish/vendor_completions.d/resource-batch.fish
	rm -rf $(ROOT)/share/doc/resource-batch
