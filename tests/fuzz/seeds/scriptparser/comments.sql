SELECT /* a /* b */ ; */ 1 -- x; y
, 2;
