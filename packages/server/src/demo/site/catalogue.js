// The shop's catalogue and delivery options, loaded before shop.js so every page renders
// before its load event: what a reader of the page sees once it has loaded is the whole page.
globalThis.LARKSPUR_CATALOGUE = {
  "delivery": [
    {"id": "standard", "label": "Standard (3–5 days)", "price": 3.99},
    {"id": "express", "label": "Express (next day)", "price": 9.99},
    {"id": "collect", "label": "Collect in store", "price": 0}
  ],
  "books": [
    {"id": "glass-orbit", "title": "The Glass Orbit", "author": "Mira Okafor", "genre": "Science fiction", "price": 14.99, "rating": 4.7, "format": "Paperback", "pages": 352, "year": 2021, "blurb": "A salvage pilot finds a station made entirely of glass, and the crew that built it still aboard, not a day older."},
    {"id": "salt-and-starlight", "title": "Salt and Starlight", "author": "Jonah Reyes", "genre": "Science fiction", "price": 24, "rating": 4.9, "format": "Hardcover", "pages": 480, "year": 2023, "blurb": "Two rival desalination engineers on a terraformed Mars discover the ocean is remembering them."},
    {"id": "quiet-machines", "title": "Harbor of Quiet Machines", "author": "Lena Voss", "genre": "Science fiction", "price": 18.5, "rating": 4.8, "format": "Paperback", "pages": 304, "year": 2022, "blurb": "In a port city run by retired robots, a dockhand inherits a ship that refuses to leave."},
    {"id": "cold-suns", "title": "A Map of Cold Suns", "author": "Tomás Adeyemi", "genre": "Science fiction", "price": 9.99, "rating": 4.4, "format": "Paperback", "pages": 288, "year": 2019, "blurb": "A cartographer charts dying stars for a civilisation that plans to outlive them all."},
    {"id": "europa-lighthouse", "title": "The Last Lighthouse on Europa", "author": "Priya Nandakumar", "genre": "Science fiction", "price": 16, "rating": 4.6, "format": "Paperback", "pages": 336, "year": 2020, "blurb": "The keeper of an ice-moon beacon receives a ship's distress call from forty years in the future."},
    {"id": "paper-satellites", "title": "Paper Satellites", "author": "Owen Marsh", "genre": "Science fiction", "price": 7.5, "rating": 4.2, "format": "Paperback", "pages": 224, "year": 2018, "blurb": "Short stories about the people who fold, launch and listen to the cheapest satellites ever made."},
    {"id": "long-dark", "title": "Signal from the Long Dark", "author": "Hana Ito", "genre": "Science fiction", "price": 21.95, "rating": 4.8, "format": "Hardcover", "pages": 416, "year": 2024, "blurb": "A radio astronomer decodes a message that turns out to be her own voice, sent back from the edge of the solar system."},
    {"id": "generation-gardens", "title": "Gardens of the Generation Ship", "author": "Felix Amari", "genre": "Science fiction", "price": 12.25, "rating": 4.5, "format": "Paperback", "pages": 320, "year": 2021, "blurb": "Three hundred years into the voyage, the ship's gardeners are the only ones who know where it is going."},
    {"id": "orchard-murders", "title": "The Orchard Murders", "author": "Clara Bell", "genre": "Mystery", "price": 11.99, "rating": 4.3, "format": "Paperback", "pages": 312, "year": 2020, "blurb": "A cider festival, a missing heirloom apple and a village that has kept one secret too long."},
    {"id": "tidewater", "title": "Tidewater Alibi", "author": "Marcus Hale", "genre": "Mystery", "price": 13.5, "rating": 4.5, "format": "Paperback", "pages": 298, "year": 2022, "blurb": "Every suspect was on the ferry; the ferry never left the harbour."},
    {"id": "inkwell", "title": "Death at the Inkwell Club", "author": "Ruth Amsel", "genre": "Mystery", "price": 19, "rating": 4.1, "format": "Hardcover", "pages": 368, "year": 2017, "blurb": "A crossword setter is found with the final clue unsolved and her pen missing."},
    {"id": "copper-crown", "title": "The Copper Crown", "author": "Elspeth Rowe", "genre": "Fantasy", "price": 15.75, "rating": 4.6, "format": "Paperback", "pages": 512, "year": 2019, "blurb": "A blacksmith's apprentice forges a crown that chooses its own ruler."},
    {"id": "river-of-owls", "title": "River of Owls", "author": "Dara Kessler", "genre": "Fantasy", "price": 10.99, "rating": 4.4, "format": "Paperback", "pages": 290, "year": 2021, "blurb": "The owls carry the river's memories, and one of them has forgotten something important."},
    {"id": "winter-market", "title": "The Winter Market", "author": "Ines Calder", "genre": "Fantasy", "price": 22.5, "rating": 4.7, "format": "Hardcover", "pages": 440, "year": 2023, "blurb": "Once a year a market appears on the frozen lake, selling things that have not happened yet."},
    {"id": "bridges", "title": "Bridges: A Human History", "author": "Samuel Ortega", "genre": "History", "price": 17.25, "rating": 4.5, "format": "Paperback", "pages": 384, "year": 2018, "blurb": "From rope spans to suspension giants: how crossing a gap changed the way we live."},
    {"id": "clockmakers", "title": "The Clockmakers' Guild", "author": "Helena Brandt", "genre": "History", "price": 12, "rating": 4.2, "format": "Paperback", "pages": 276, "year": 2016, "blurb": "How a small guild of craftsmen taught a continent to keep time."}
  ]
};
