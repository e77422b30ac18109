# shellcheck shell=bash
# docker.io/library/perl:5.40.0-slim, from Debian's perl 5.36 on a bookworm-slim-like base.
# Contract: Perl/docker-perl 5.040.000-slim-bookworm (see README.md).
perl_image() {
  local R=$1
  base_debian_slim "$R"
  rootfs_from_debs "$R" perl perl-base perl-modules-5.36 libperl5.36 libmath-bigint-perl make cpanminus
  # libmath-bigint-perl (1.999838): perl 5.36's own Math::BigInt (1.999830) dies in
  # bpi(2000) ("Can't use an undefined value as an ARRAY reference"); perl 5.40's does not
  strip_rootfs "$R"
  add_libs "$R" /usr/bin/perl /usr/bin/make "/usr/lib/$MULTIARCH/perl"
  # upstream's perl is /usr/local/bin/perl (and perl5.40.0, the name its CMD uses)
  ln -s /usr/bin/perl "$R/usr/local/bin/perl"
  ln -s /usr/bin/perl "$R/usr/local/bin/perl5.40.0"
  mkdir -p "$R/usr/src/app"
  check_runs "$R" /usr/local/bin/perl5.40.0 -Mbignum=bpi -wle 'print bpi(2000)'
  pack_image "$REF" "$R" "" '[]' '["perl5.40.0","-de0"]' --env "PATH=$STD_PATH" --workdir /usr/src/app
}
image docker.io/library/perl:5.40.0-slim perl_image
